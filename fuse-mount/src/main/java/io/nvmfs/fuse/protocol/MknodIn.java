package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_mknod_in, the body of MKNOD, followed by the NUL-terminated name.
 *
 * <pre>
 *  off size field
 *    0   4  mode     type and permission bits, the umask applied unless FUSE_DONT_MASK
 *    4   4  rdev     new_encode_dev form
 *    8   4  umask
 *   12   4  padding
 *   16      name
 * </pre>
 */
public final class MknodIn {
    public static final int SIZE = 16;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int AT = InHeader.SIZE;

    private MknodIn() {}

    public static int mode(MemorySegment req) {
        return req.get(I, AT);
    }

    public static int rdev(MemorySegment req) {
        return req.get(I, AT + 4);
    }

    public static int umask(MemorySegment req) {
        return req.get(I, AT + 8);
    }
}
