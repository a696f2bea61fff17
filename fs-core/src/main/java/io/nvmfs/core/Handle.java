package io.nvmfs.core;

/** An open file or directory: the inode it pins and the open flags. */
final class Handle {
    static final int O_ACCMODE = 3;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_APPEND = 02000;
    static final int O_TRUNC = 01000;
    static final int O_EXCL = 0200;
    static final int O_CREAT = 0100;

    final long fh;
    final Inode inode;
    final int flags;

    Handle(long fh, Inode inode, int flags) {
        this.fh = fh;
        this.inode = inode;
        this.flags = flags;
    }

    boolean readable() {
        return (flags & O_ACCMODE) != O_WRONLY;
    }

    boolean writable() {
        return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
    }
}
