package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_write_in, the body of WRITE, followed by the data.
 *
 * <pre>
 *  off size field
 *    0   8  fh
 *    8   8  offset
 *   16   4  size          bytes of data after this struct
 *   20   4  write_flags   WRITE_CACHE 1 (a write-back of the page cache), LOCKOWNER 2, KILL_SUIDGID 4
 *   24   8  lock_owner
 *   32   4  flags         the handle's open flags
 *   36   4  padding
 *   40      data
 * </pre>
 */
public final class WriteIn {
    public static final int SIZE = 40;
    /** HANDLE_KILLPRIV_V2: the writer lacks CAP_FSETID; take set-user-ID/set-group-ID away. */
    public static final int KILL_SUIDGID = 1 << 2;
    /** Where the data starts in the request. */
    public static final int DATA = InHeader.SIZE + SIZE;
    private static final int AT = InHeader.SIZE;

    private WriteIn() {}

    public static long fh(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    public static long offset(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 8);
    }

    public static int size(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 16);
    }

    public static int writeFlags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 20);
    }
}
