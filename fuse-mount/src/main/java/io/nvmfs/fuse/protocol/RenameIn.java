package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_rename_in (RENAME) and struct fuse_rename2_in (RENAME2), each followed by the old
 * name and the new name, both NUL-terminated; the old name's directory is the header's nodeid.
 *
 * <pre>
 *  RENAME               RENAME2
 *  off size field       off size field
 *    0   8  newdir        0   8  newdir
 *    8      names         8   4  flags    RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4
 *                        12   4  padding
 *                        16      names
 * </pre>
 */
public final class RenameIn {
    public static final int SIZE = 8;
    public static final int SIZE2 = 16;
    private static final int AT = InHeader.SIZE;

    private RenameIn() {}

    public static long newdir(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    /** RENAME2 only. */
    public static int flags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 8);
    }
}
