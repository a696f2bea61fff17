package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_mkdir_in, the body of MKDIR, followed by the NUL-terminated name.
 *
 * <pre>
 *  off size field
 *    0   4  mode    permission bits, the umask applied unless FUSE_DONT_MASK
 *    4   4  umask
 *    8      name
 * </pre>
 */
public final class MkdirIn {
    public static final int SIZE = 8;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int AT = InHeader.SIZE;

    private MkdirIn() {}

    public static int mode(MemorySegment req) {
        return req.get(I, AT);
    }

    public static int umask(MemorySegment req) {
        return req.get(I, AT + 4);
    }
}
