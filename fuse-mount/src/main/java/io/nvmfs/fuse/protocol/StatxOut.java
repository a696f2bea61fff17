package io.nvmfs.fuse.protocol;

import io.nvmfs.core.Stat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * STATX (protocol 7.39): struct fuse_statx_in, its body, and struct fuse_statx_out, its reply —
 * the attributes statx(2) asks for, birth time included, which GETATTR cannot carry.
 *
 * <pre>
 *  fuse_statx_in                      fuse_statx_out
 *  off size field                     off size field
 *    0   4  getattr_flags               0   8  attr_valid       seconds the kernel may keep them
 *    4   4  reserved                    8   4  attr_valid_nsec
 *    8   8  fh                         12   4  flags
 *   16   4  sx_flags (AT_STATX_*)      16  16  spare
 *   20   4  sx_mask (STATX_*)          32 256  stat: struct fuse_statx, below
 *   24                                288
 *
 *  struct fuse_statx
 *    0   4  mask          STATX_* fields filled      64  16  atime  { tv_sec i64, tv_nsec u32, reserved i32 }
 *    4   4  blksize                                  80  16  btime
 *    8   8  attributes    STATX_ATTR_*               96  16  ctime
 *   16   4  nlink                                   112  16  mtime
 *   20   4  uid                                     128   4  rdev_major
 *   24   4  gid                                     132   4  rdev_minor
 *   28   2  mode                                    136   4  dev_major   (the kernel fills in its own)
 *   30   2  spare                                   140   4  dev_minor
 *   32   8  ino                                     144 112  spare
 *   40   8  size
 *   48   8  blocks
 *   56   8  attributes_mask
 * </pre>
 */
public final class StatxOut {
    public static final int SIZE = 32 + 256;
    /** STATX_BASIC_STATS (type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks) and STATX_BTIME. */
    public static final int FILLED = 0x7ff | 0x800;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;

    private StatxOut() {}

    public static void write(MemorySegment m, long at, Stat st, double attrTimeout) {
        m.asSlice(at, SIZE).fill((byte) 0);
        m.set(L, at, Attr.seconds(attrTimeout));
        m.set(I, at + 8, Attr.nanos(attrTimeout));
        long x = at + 32;
        m.set(I, x, FILLED);
        m.set(I, x + 4, Attr.BLKSIZE);
        m.set(I, x + 16, st.nlink());
        m.set(I, x + 20, st.uid());
        m.set(I, x + 24, st.gid());
        m.set(S, x + 28, (short) st.mode());
        m.set(L, x + 32, st.ino());
        m.set(L, x + 40, st.size());
        m.set(L, x + 48, st.blocks());
        time(m, x + 64, st.atimeSec(), st.atimeNsec());
        time(m, x + 80, st.btimeSec(), st.btimeNsec());
        time(m, x + 96, st.ctimeSec(), st.ctimeNsec());
        time(m, x + 112, st.mtimeSec(), st.mtimeNsec());
        int rdev = (int) st.rdev(); // new_encode_dev, as MKNOD sent it
        m.set(I, x + 128, (rdev & 0xfff00) >>> 8);
        m.set(I, x + 132, (rdev & 0xff) | (rdev >>> 12 & 0xfff00));
    }

    private static void time(MemorySegment m, long at, long sec, long nsec) {
        m.set(L, at, sec);
        m.set(I, at + 8, (int) nsec);
    }
}
