package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_lseek_in, the body of LSEEK (only SEEK_DATA and SEEK_HOLE reach the filesystem;
 * the kernel answers SEEK_SET/CUR/END itself), and struct fuse_lseek_out, its reply.
 *
 * <pre>
 *  fuse_lseek_in                    fuse_lseek_out
 *  off size field                   off size field
 *    0   8  fh                        0   8  offset   where the data or hole starts
 *    8   8  offset                    8
 *   16   4  whence  SEEK_DATA 3,
 *                   SEEK_HOLE 4
 *   20   4  padding
 *   24
 * </pre>
 */
public final class LseekIn {
    public static final int SIZE = 24;
    public static final int OUT_SIZE = 8;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;
    private static final int AT = InHeader.SIZE;

    private LseekIn() {}

    public static long fh(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    public static long offset(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 8);
    }

    public static int whence(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 16);
    }

    public static void writeOut(MemorySegment m, long at, long offset) {
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at, offset);
    }
}
