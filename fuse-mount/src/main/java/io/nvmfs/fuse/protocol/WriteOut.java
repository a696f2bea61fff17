package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_write_out, the reply to WRITE; also the reply to COPY_FILE_RANGE.
 *
 * <pre>
 *  off size field
 *    0   4  size     bytes written
 *    4   4  padding
 *    8
 * </pre>
 */
public final class WriteOut {
    public static final int SIZE = 8;

    private WriteOut() {}

    public static void write(MemorySegment m, long at, int size) {
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at, size);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4, 0);
    }
}
