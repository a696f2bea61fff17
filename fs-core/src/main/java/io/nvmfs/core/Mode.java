package io.nvmfs.core;

/** POSIX mode bits and the d_type values readdir reports. */
public final class Mode {
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;
    public static final int S_IXGRP = 00010;
    public static final int PERMS = 07777;

    private Mode() {}

    public static boolean isDir(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public static boolean isReg(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    public static boolean isLink(int mode) {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** True for the seven file types POSIX knows. */
    public static boolean validType(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO -> true;
            default -> false;
        };
    }

    /** d_type as in dirent.h. */
    public static int dtype(int mode) {
        return (mode & S_IFMT) >>> 12;
    }
}
