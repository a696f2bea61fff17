package io.nvmfs.fuse;

import jnr.ffi.annotations.Delegate;

/**
 * The {@code struct fuse_lowlevel_ops} entries nvmfs implements, as jnr-ffi callback types, with
 * their slot in the struct (libfuse 2.9). Pointers and fuse_ino_t are {@code long}. File names and
 * symlink targets are pointers too ({@code long}), read as bytes ({@link CStructs#cString}): a
 * {@code String} parameter would be decoded in some charset, and two names that are not valid in
 * it would become the same file.
 */
final class LowLevelCallbacks {
    private LowLevelCallbacks() {}

    /** Number of function pointers in libfuse 2.9's struct fuse_lowlevel_ops. */
    static final int SLOTS = 41;
    static final int LOOKUP = 2;
    static final int FORGET = 3;
    static final int GETATTR = 4;
    static final int SETATTR = 5;
    static final int READLINK = 6;
    static final int MKNOD = 7;
    static final int MKDIR = 8;
    static final int UNLINK = 9;
    static final int RMDIR = 10;
    static final int SYMLINK = 11;
    static final int RENAME = 12;
    static final int LINK = 13;
    static final int OPEN = 14;
    static final int READ = 15;
    static final int WRITE = 16;
    static final int FLUSH = 17;
    static final int RELEASE = 18;
    static final int FSYNC = 19;
    static final int OPENDIR = 20;
    static final int READDIR = 21;
    static final int RELEASEDIR = 22;
    static final int FSYNCDIR = 23;
    static final int STATFS = 24;
    static final int SETXATTR = 25;
    static final int GETXATTR = 26;
    static final int LISTXATTR = 27;
    static final int REMOVEXATTR = 28;
    static final int ACCESS = 29;
    static final int CREATE = 30;
    static final int FALLOCATE = 40;

    public interface NameCb {
        @Delegate
        void call(long req, long parent, long name);
    }

    public interface ForgetCb {
        @Delegate
        void call(long req, long ino, long nlookup);
    }

    public interface InoFiCb {
        @Delegate
        void call(long req, long ino, long fi);
    }

    public interface SetattrCb {
        @Delegate
        void call(long req, long ino, long attr, int toSet, long fi);
    }

    public interface InoCb {
        @Delegate
        void call(long req, long ino);
    }

    public interface MknodCb {
        @Delegate
        void call(long req, long parent, long name, int mode, long rdev);
    }

    public interface MkdirCb {
        @Delegate
        void call(long req, long parent, long name, int mode);
    }

    public interface SymlinkCb {
        @Delegate
        void call(long req, long link, long parent, long name);
    }

    public interface RenameCb {
        @Delegate
        void call(long req, long parent, long name, long newParent, long newName);
    }

    public interface LinkCb {
        @Delegate
        void call(long req, long ino, long newParent, long newName);
    }

    public interface ReadCb {
        @Delegate
        void call(long req, long ino, long size, long off, long fi);
    }

    public interface WriteCb {
        @Delegate
        void call(long req, long ino, long buf, long size, long off, long fi);
    }

    public interface FsyncCb {
        @Delegate
        void call(long req, long ino, int datasync, long fi);
    }

    public interface SetxattrCb {
        @Delegate
        void call(long req, long ino, String name, long value, long size, int flags);
    }

    public interface GetxattrCb {
        @Delegate
        void call(long req, long ino, String name, long size);
    }

    public interface SizeCb {
        @Delegate
        void call(long req, long ino, long size);
    }

    public interface RemovexattrCb {
        @Delegate
        void call(long req, long ino, String name);
    }

    public interface AccessCb {
        @Delegate
        void call(long req, long ino, int mask);
    }

    public interface CreateCb {
        @Delegate
        void call(long req, long parent, long name, int mode, long fi);
    }

    public interface FallocateCb {
        @Delegate
        void call(long req, long ino, int mode, long off, long length, long fi);
    }
}
