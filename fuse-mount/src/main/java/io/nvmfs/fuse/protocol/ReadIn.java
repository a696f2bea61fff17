package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_read_in, the body of READ, READDIR and READDIRPLUS (for the listings, offset is the
 * cookie of the entry to continue after, 0 at the start).
 *
 * <pre>
 *  off size field
 *    0   8  fh
 *    8   8  offset
 *   16   4  size         bytes the reply may carry at most
 *   20   4  read_flags
 *   24   8  lock_owner
 *   32   4  flags        the handle's open flags
 *   36   4  padding
 *   40
 * </pre>
 */
public final class ReadIn {
    public static final int SIZE = 40;
    private static final int AT = InHeader.SIZE;

    private ReadIn() {}

    public static long fh(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    public static long offset(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT + 8);
    }

    public static int size(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 16);
    }
}
