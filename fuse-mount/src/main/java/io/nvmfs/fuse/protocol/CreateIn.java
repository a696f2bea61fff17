package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_create_in, the body of CREATE (and TMPFILE), followed by the NUL-terminated name.
 *
 * <pre>
 *  off size field
 *    0   4  flags        open(2)'s flags
 *    4   4  mode         the umask applied unless FUSE_DONT_MASK
 *    8   4  umask
 *   12   4  open_flags   FUSE_OPEN_KILL_SUIDGID (1)
 *   16      name
 * </pre>
 */
public final class CreateIn {
    public static final int SIZE = 16;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int AT = InHeader.SIZE;

    private CreateIn() {}

    public static int flags(MemorySegment req) {
        return req.get(I, AT);
    }

    public static int mode(MemorySegment req) {
        return req.get(I, AT + 4);
    }

    public static int umask(MemorySegment req) {
        return req.get(I, AT + 8);
    }
}
