package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * FUSE_NOTIFY_INVAL_INODE (notify code 2), struct fuse_notify_inval_inode_out after an
 * {@link OutHeader} whose unique is 0 and whose error is the code: the kernel drops its cached
 * attributes of an inode, and with a length also its cached pages of that range.
 *
 * <pre>
 *  off size field
 *    0   8  ino
 *    8   8  off    negative: attributes only (no page is touched, no inode lock taken)
 *   16   8  len    0 with off 0: all pages
 *   24
 * </pre>
 */
public final class NotifyInvalInode {
    public static final int CODE = 2;
    public static final int SIZE = 24;
    /** Header and body, the bytes one notification takes. */
    public static final int LENGTH = OutHeader.SIZE + SIZE;

    private NotifyInvalInode() {}

    public static void write(MemorySegment m, long ino, long off, long len) {
        OutHeader.write(m, LENGTH, CODE, 0);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, OutHeader.SIZE, ino);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, OutHeader.SIZE + 8, off);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, OutHeader.SIZE + 16, len);
    }
}
