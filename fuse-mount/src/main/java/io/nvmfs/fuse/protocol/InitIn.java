package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_init_in, the body of FUSE_INIT: the kernel's protocol version and what it offers.
 *
 * <pre>
 *  off size field
 *    0   4  major          7
 *    4   4  minor          the kernel's (44 on Linux 6.18)
 *    8   4  max_readahead
 *   12   4  flags          FUSE_* capability bits 0..31 ({@link InitOut})
 *   16   4  flags2         bits 32..63, valid when flags has FUSE_INIT_EXT
 *   20  44  unused
 *   64
 * </pre>
 * A kernel older than 7.36 sends only the first 16 bytes.
 */
public final class InitIn {
    public static final int SIZE = 64;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int AT = InHeader.SIZE;

    private InitIn() {}

    public static int major(MemorySegment req) {
        return req.get(I, AT);
    }

    public static int minor(MemorySegment req) {
        return req.get(I, AT + 4);
    }

    public static int maxReadahead(MemorySegment req) {
        return req.get(I, AT + 8);
    }

    /** Both flag words as one 64-bit set (flags2 only where the request carries it). */
    public static long flags(MemorySegment req) {
        long flags = Integer.toUnsignedLong(req.get(I, AT + 12));
        if ((flags & InitOut.INIT_EXT) != 0 && InHeader.len(req) >= AT + 20) {
            flags |= Integer.toUnsignedLong(req.get(I, AT + 16)) << 32;
        }
        return flags;
    }
}
