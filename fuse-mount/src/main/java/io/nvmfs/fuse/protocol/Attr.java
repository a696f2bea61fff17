package io.nvmfs.fuse.protocol;

import io.nvmfs.core.Stat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_attr, an inode's attributes inside {@link EntryOut}, {@link AttrOut} and
 * {@link DirentPlus}.
 *
 * <pre>
 *  off size field
 *    0   8  ino
 *    8   8  size
 *   16   8  blocks      512-byte units
 *   24   8  atime       seconds
 *   32   8  mtime
 *   40   8  ctime
 *   48   4  atimensec
 *   52   4  mtimensec
 *   56   4  ctimensec
 *   60   4  mode        type and permission bits
 *   64   4  nlink
 *   68   4  uid
 *   72   4  gid
 *   76   4  rdev        new_encode_dev form, as MKNOD sent it
 *   80   4  blksize     the preferred I/O size st_blksize shows
 *   84   4  flags       FUSE_ATTR_* (none)
 *   88
 * </pre>
 */
public final class Attr {
    public static final int SIZE = 88;
    static final int BLKSIZE = 4096;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private Attr() {}

    /** Writes {@code st} at {@code at}. */
    public static void write(MemorySegment m, long at, Stat st) {
        m.set(L, at, st.ino());
        m.set(L, at + 8, st.size());
        m.set(L, at + 16, st.blocks());
        m.set(L, at + 24, st.atimeSec());
        m.set(L, at + 32, st.mtimeSec());
        m.set(L, at + 40, st.ctimeSec());
        m.set(I, at + 48, (int) st.atimeNsec());
        m.set(I, at + 52, (int) st.mtimeNsec());
        m.set(I, at + 56, (int) st.ctimeNsec());
        m.set(I, at + 60, st.mode());
        m.set(I, at + 64, (int) st.nlink());
        m.set(I, at + 68, st.uid());
        m.set(I, at + 72, st.gid());
        m.set(I, at + 76, (int) st.rdev());
        m.set(I, at + 80, BLKSIZE);
        m.set(I, at + 84, 0);
    }

    /** Seconds and nanoseconds of a timeout in seconds, as the valid/valid_nsec pairs carry it. */
    static long seconds(double timeout) {
        return (long) timeout;
    }

    static int nanos(double timeout) {
        return (int) Math.round((timeout - Math.floor(timeout)) * 1e9) % 1_000_000_000;
    }
}
