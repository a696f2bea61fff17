package io.nvmfs.fuse;

import jnr.ffi.LibraryLoader;

/**
 * The libfuse 2 low-level functions nvmfs binds with jnr-ffi. Pointers are passed as {@code long}
 * addresses (LP64: a pointer and a long travel in the same register), so no jnr Pointer object
 * is made per call; the memory behind them is FFM memory owned by the caller.
 */
public interface LowLevelLib {
    long fuse_mount(String mountpoint, long args);

    void fuse_unmount(String mountpoint, long ch);

    long fuse_lowlevel_new(long args, long ops, long opSize, long userdata);

    void fuse_session_add_chan(long se, long ch);

    void fuse_session_remove_chan(long ch);

    void fuse_session_destroy(long se);

    int fuse_chan_recv(long chp, long buf, long size);

    void fuse_session_process(long se, long buf, long len, long ch);

    long fuse_chan_bufsize(long ch);

    int fuse_chan_fd(long ch);

    long fuse_kern_chan_new(int fd);

    void fuse_chan_destroy(long ch);

    int fuse_session_exited(long se);

    void fuse_session_exit(long se);

    int fuse_reply_err(long req, int err);

    void fuse_reply_none(long req);

    int fuse_reply_entry(long req, long entry);

    int fuse_reply_create(long req, long entry, long fi);

    int fuse_reply_attr(long req, long stat, double timeout);

    int fuse_reply_readlink(long req, long link);

    int fuse_reply_open(long req, long fi);

    int fuse_reply_write(long req, long count);

    int fuse_reply_buf(long req, long buf, long size);

    int fuse_reply_statfs(long req, long statvfs);

    int fuse_reply_xattr(long req, long count);

    long fuse_req_ctx(long req);

    /** The caller's supplementary groups into {@code list} (gid_t[size]); returns their count, or -errno. */
    int fuse_req_getgroups(long req, int size, long list);

    /** Marks the kernel's cached data of {@code ino} stale: attributes only when {@code off} is negative. */
    int fuse_lowlevel_notify_inval_inode(long ch, long ino, long off, long len);

    int fuse_opt_add_arg(long args, String arg);

    void fuse_opt_free_args(long args);

    static LowLevelLib load() {
        return LibraryLoader.create(LowLevelLib.class).failImmediately().load("fuse");
    }
}
