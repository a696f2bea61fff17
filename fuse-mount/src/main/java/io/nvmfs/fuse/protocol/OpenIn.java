package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_open_in, the body of OPEN and OPENDIR.
 *
 * <pre>
 *  off size field
 *    0   4  flags        open(2)'s flags, O_CREAT/O_EXCL/O_NOCTTY removed (O_TRUNC only with ATOMIC_O_TRUNC)
 *    4   4  open_flags   FUSE_OPEN_KILL_SUIDGID (1)
 *    8
 * </pre>
 */
public final class OpenIn {
    public static final int SIZE = 8;

    private OpenIn() {}

    public static int flags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, InHeader.SIZE);
    }
}
