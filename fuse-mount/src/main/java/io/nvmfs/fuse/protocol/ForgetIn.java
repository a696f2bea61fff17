package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * FORGET's body, struct fuse_forget_in, and BATCH_FORGET's, struct fuse_batch_forget_in followed
 * by {@code count} struct fuse_forget_one. Neither is answered.
 *
 * <pre>
 *  FORGET                           BATCH_FORGET
 *  off size field                   off size field
 *    0   8  nlookup   references      0   4  count
 *                     the kernel      4   4  dummy
 *                     gives back      8      count × { nodeid u64, nlookup u64 } (16 each)
 *                     (for the
 *                     header's nodeid)
 * </pre>
 */
public final class ForgetIn {
    public static final int ONE = 16;
    private static final int AT = InHeader.SIZE;

    private ForgetIn() {}

    public static long nlookup(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    public static int batchCount(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT);
    }

    public static long batchNodeid(MemorySegment req, int i) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 8 + (long) ONE * i);
    }

    public static long batchNlookup(MemorySegment req, int i) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 8 + (long) ONE * i + 8);
    }
}
