package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_fallocate_in, the body of FALLOCATE.
 *
 * <pre>
 *  off size field
 *    0   8  fh
 *    8   8  offset
 *   16   8  length
 *   24   4  mode      fallocate(2)'s FALLOC_FL_* bits
 *   28   4  padding
 *   32
 * </pre>
 */
public final class FallocateIn {
    public static final int SIZE = 32;
    private static final int AT = InHeader.SIZE;

    private FallocateIn() {}

    public static long fh(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    public static long offset(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 8);
    }

    public static long length(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 16);
    }

    public static int mode(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 24);
    }
}
