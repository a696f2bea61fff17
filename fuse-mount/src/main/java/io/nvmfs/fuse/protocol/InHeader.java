package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_in_header, the start of every request.
 *
 * <pre>
 *  off size field
 *    0   4  len           bytes of the whole request, header included
 *    4   4  opcode        {@link Opcode}
 *    8   8  unique        the request's id; its reply carries it back (0: never sent for a request)
 *   16   8  nodeid        the inode the request is about (for a name: its parent directory)
 *   24   4  uid           the caller's fsuid
 *   28   4  gid           the caller's fsgid
 *   32   4  pid           the calling thread's id (0 for requests the kernel makes itself)
 *   36   2  total_extlen  extension headers after the body, in 8-byte units (none: nvmfs asks for none)
 *   38   2  padding
 *   40      the opcode's body
 * </pre>
 */
public final class InHeader {
    public static final int SIZE = 40;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private InHeader() {}

    public static int len(MemorySegment m) {
        return m.get(I, 0);
    }

    public static int opcode(MemorySegment m) {
        return m.get(I, 4);
    }

    public static long unique(MemorySegment m) {
        return m.get(L, 8);
    }

    public static long nodeid(MemorySegment m) {
        return m.get(L, 16);
    }

    public static int uid(MemorySegment m) {
        return m.get(I, 24);
    }

    public static int gid(MemorySegment m) {
        return m.get(I, 28);
    }

    public static int pid(MemorySegment m) {
        return m.get(I, 32);
    }

    /** Writes a header (for tests and for requests made up in-process). */
    public static void write(MemorySegment m, int len, int opcode, long unique, long nodeid, int uid, int gid, int pid) {
        m.set(I, 0, len);
        m.set(I, 4, opcode);
        m.set(L, 8, unique);
        m.set(L, 16, nodeid);
        m.set(I, 24, uid);
        m.set(I, 28, gid);
        m.set(I, 32, pid);
        m.set(I, 36, 0);
    }
}
