package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_copy_file_range_in, the body of COPY_FILE_RANGE (the source is the header's
 * nodeid); answered with a {@link WriteOut}, the bytes copied. The kernel caps len below 4 GiB.
 *
 * <pre>
 *  off size field
 *    0   8  fh_in
 *    8   8  off_in
 *   16   8  nodeid_out
 *   24   8  fh_out
 *   32   8  off_out
 *   40   8  len
 *   48   8  flags      copy_file_range(2)'s, always 0 today
 *   56
 * </pre>
 */
public final class CopyFileRangeIn {
    public static final int SIZE = 56;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final int AT = InHeader.SIZE;

    private CopyFileRangeIn() {}

    public static long fhIn(MemorySegment req) {
        return req.get(L, AT);
    }

    public static long offIn(MemorySegment req) {
        return req.get(L, AT + 8);
    }

    public static long fhOut(MemorySegment req) {
        return req.get(L, AT + 24);
    }

    public static long offOut(MemorySegment req) {
        return req.get(L, AT + 32);
    }

    public static long len(MemorySegment req) {
        return req.get(L, AT + 40);
    }

    public static long flags(MemorySegment req) {
        return req.get(L, AT + 48);
    }
}
