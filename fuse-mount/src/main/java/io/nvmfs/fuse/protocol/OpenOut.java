package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_open_out, the reply to OPEN and OPENDIR (and CREATE's second half).
 *
 * <pre>
 *  off size field
 *    0   8  fh           the handle later requests on this open file carry
 *    8   4  open_flags   FOPEN_* below
 *   12   4  backing_id   (passthrough only)
 *   16
 * </pre>
 */
public final class OpenOut {
    public static final int SIZE = 16;
    public static final int DIRECT_IO = 1;
    /** The kernel keeps the file's cached pages across this open (nvmfs is the only writer). */
    public static final int KEEP_CACHE = 1 << 1;
    /** A directory's listing may be cached in the kernel's page cache. */
    public static final int CACHE_DIR = 1 << 3;
    private static final int I_AT = 8;

    private OpenOut() {}

    public static void write(MemorySegment m, long at, long fh, int openFlags) {
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at, fh);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + I_AT, openFlags);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + I_AT + 4, 0);
    }
}
