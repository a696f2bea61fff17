package io.nvmfs.core;

/** fallocate(2) modes on a regular file. */
final class Fallocate {
    static final int KEEP_SIZE = 0x01;
    static final int PUNCH_HOLE = 0x02;
    static final int ZERO_RANGE = 0x10;

    private Fallocate() {}

    static void apply(NvmFs nf, Inode n, int mode, long offset, long length) throws FsException {
        FsCore fs = nf.fs;
        if (offset < 0 || length <= 0) {
            throw new FsException(Errno.EINVAL, "fallocate range offset " + offset + " length " + length);
        }
        if ((mode & ~(KEEP_SIZE | PUNCH_HOLE | ZERO_RANGE)) != 0 || ((mode & PUNCH_HOLE) != 0 && (mode & KEEP_SIZE) == 0)
                || ((mode & PUNCH_HOLE) != 0 && (mode & ZERO_RANGE) != 0)) {
            throw new FsException(Errno.EOPNOTSUPP, "fallocate mode 0x" + Integer.toHexString(mode));
        }
        if (offset + length > FileData.MAX_SIZE || offset + length < 0) {
            throw new FsException(Errno.EFBIG, "fallocate past the 16 TiB file size limit");
        }
        try (var held = fs.locks.writeAll(n.ino)) {
            if (n.isDir()) {
                throw new FsException(Errno.EISDIR, "inode " + n.ino + " is a directory");
            }
            if (!Mode.isReg(n.mode)) {
                throw new FsException(Errno.ENODEV, "inode " + n.ino + " is not a regular file");
            }
            if ((mode & (PUNCH_HOLE | ZERO_RANGE)) != 0) {
                FileFlags.requireChangeable(n, "punch or zero a range"); // as ext4: append-only files only grow
            } else {
                FileFlags.requireDataWritable(n, n.size, true, "fallocate");
            }
            fs.commits.change(n, after -> {
                long[] now = fs.now();
                if ((mode & PUNCH_HOLE) != 0) {
                    FileData.punch(fs, n, offset, length, after);
                    n.setTime(Inode.MTIME, now);
                } else if ((mode & ZERO_RANGE) != 0) {
                    // The punched blocks are freed only after the commit; the new ones cannot be them.
                    FileData.punch(fs, n, offset, length, after);
                    FileData.allocateRange(fs, n, offset, length, (mode & KEEP_SIZE) != 0);
                    n.setTime(Inode.MTIME, now);
                } else {
                    long before = n.size;
                    FileData.allocateRange(fs, n, offset, length, (mode & KEEP_SIZE) != 0);
                    if (n.size != before) {
                        n.setTime(Inode.MTIME, now);
                    }
                }
                n.setTime(Inode.CTIME, now);
            });
        }
    }
}
