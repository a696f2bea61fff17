package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_ioctl_in, the body of IOCTL, followed by {@code in_size} bytes of input; and
 * struct fuse_ioctl_out, the head of its reply, followed by up to {@code out_size} bytes of
 * output. nvmfs answers the kernel's fileattr commands only (the commands are Linux's own).
 *
 * <pre>
 *  fuse_ioctl_in                          fuse_ioctl_out
 *  off size field                         off size field
 *    0   8  fh                              0   4  result    the ioctl's return value
 *    8   4  flags   FUSE_IOCTL_*            4   4  flags     FUSE_IOCTL_RETRY (never sent)
 *   12   4  cmd                             8   4  in_iovs
 *   16   8  arg     user address           12   4  out_iovs
 *   24   4  in_size                        16
 *   28   4  out_size
 *   32  ... input (in_size bytes)
 *
 *  struct fsxattr (FS_IOC_FSGETXATTR / FSSETXATTR), 28 bytes:
 *    0 fsx_xflags  4 fsx_extsize  8 fsx_nextents  12 fsx_projid  16 fsx_cowextsize  20 pad[8]
 * </pre>
 */
public final class IoctlIn {
    public static final int SIZE = 32;
    public static final int OUT_SIZE = 16;
    public static final int FSXATTR_SIZE = 28;
    public static final int FS_IOC_GETFLAGS = 0x80086601;
    public static final int FS_IOC_SETFLAGS = 0x40086602;
    public static final int FS_IOC32_GETFLAGS = 0x80046601;
    public static final int FS_IOC32_SETFLAGS = 0x40046602;
    public static final int FS_IOC_FSGETXATTR = 0x801c581f;
    public static final int FS_IOC_FSSETXATTR = 0x401c5820;
    private static final int AT = InHeader.SIZE;

    private IoctlIn() {}

    public static int cmd(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 12);
    }

    public static int inSize(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 24);
    }

    /** The 4-byte integer at {@code offset} of the input that follows the header. */
    public static int inputInt(MemorySegment req, int offset) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + SIZE + offset);
    }

    /** A successful fuse_ioctl_out (result 0, nothing to retry). */
    public static void writeOut(MemorySegment m, long at) {
        m.asSlice(at, OUT_SIZE).fill((byte) 0);
    }
}
