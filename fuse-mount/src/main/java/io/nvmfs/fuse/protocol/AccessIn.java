package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_access_in, the body of ACCESS.
 *
 * <pre>
 *  off size field
 *    0   4  mask     R_OK 4, W_OK 2, X_OK 1 (F_OK 0)
 *    4   4  padding
 *    8
 * </pre>
 */
public final class AccessIn {
    public static final int SIZE = 8;

    private AccessIn() {}

    public static int mask(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, InHeader.SIZE);
    }
}
