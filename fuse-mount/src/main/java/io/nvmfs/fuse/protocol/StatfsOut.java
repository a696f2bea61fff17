package io.nvmfs.fuse.protocol;

import io.nvmfs.core.StatFs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_statfs_out (one struct fuse_kstatfs), the reply to STATFS.
 *
 * <pre>
 *  off size field
 *    0   8  blocks    in frsize units
 *    8   8  bfree
 *   16   8  bavail
 *   24   8  files
 *   32   8  ffree
 *   40   4  bsize
 *   44   4  namelen
 *   48   4  frsize
 *   52   4  padding
 *   56  24  spare
 *   80
 * </pre>
 */
public final class StatfsOut {
    public static final int SIZE = 80;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private StatfsOut() {}

    public static void write(MemorySegment m, long at, StatFs st) {
        m.asSlice(at, SIZE).fill((byte) 0);
        m.set(L, at, st.blocks());
        m.set(L, at + 8, st.blocksFree());
        m.set(L, at + 16, st.blocksAvailable());
        m.set(L, at + 24, st.files());
        m.set(L, at + 32, st.filesFree());
        m.set(I, at + 40, (int) st.blockSize());
        m.set(I, at + 44, (int) st.nameMax());
        m.set(I, at + 48, (int) st.blockSize());
    }
}
