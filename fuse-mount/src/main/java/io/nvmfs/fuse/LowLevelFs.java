package io.nvmfs.fuse;

import io.nvmfs.core.Caller;
import io.nvmfs.core.DirEntry;
import io.nvmfs.core.Errno;
import io.nvmfs.core.FsException;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.Stat;
import io.nvmfs.core.Times;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * libfuse 2's low-level API over fs-core: the kernel's node id is the inode number, so hard links
 * are one kernel inode, GETATTR is answered by inode (also for unlinked open files), and no
 * path is ever built. Requests arrive on {@link Session}'s long-lived threads.
 *
 * <p>Every callback but FORGET (which has no answer) replies exactly once, since a request never
 * answered hangs its caller: the reply is the last thing on the success path, and {@link #run}
 * answers an errno for an FsException and EIO (logged once) for anything else, Errors included.
 */
final class LowLevelFs {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");
    /** Where -o debug logs each request (at FINE: the mount log's DEBUG). */
    private static final Logger REQUESTS = Logger.getLogger("io.nvmfs.fuse.requests");
    /**
     * -o debug. Final and read once per request: with it off a request costs one predictable
     * branch (two with the timing), no clock read, no string, no logger call.
     */
    private final boolean debug;
    /** Seconds the kernel may cache attributes and names (default 1; -o attr_timeout=, entry_timeout=). */
    private final double attrTimeout;
    private final double entryTimeout;
    private static final int O_ACCMODE = 3;
    /** Longest name (NAME_MAX) and symlink target (PATH_MAX - 1) the kernel sends. */
    private static final int NAME_MAX = 255;
    private static final int PATH_MAX = 4096;
    /** Supplementary groups read per caller (NGROUPS_MAX is 65536; real callers have a handful). */
    private static final int MAX_GROUPS = 256;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_APPEND = 02000;
    private static final int SET_MODE = 1;
    private static final int SET_UID = 1 << 1;
    private static final int SET_GID = 1 << 2;
    private static final int SET_SIZE = 1 << 3;
    private static final int SET_ATIME = 1 << 4;
    private static final int SET_MTIME = 1 << 5;
    private static final int SET_ATIME_NOW = 1 << 7;
    private static final int SET_MTIME_NOW = 1 << 8;

    private final NvmFs fs;
    /** Tells whether the kernel's writeback cache is on: see {@link #openFlags}. */
    private final KernelInit init;
    private final LowLevelLib lib;
    private final AtomicBoolean loggedUnexpected = new AtomicBoolean();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    /** The FUSE channel, for notifications; 0 until {@link #connected}. */
    private volatile long channel;

    /** Per-thread native buffers for replies (callbacks run on the loop thread that received them). */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment entry = arena.allocate(CStructs.ENTRY_SIZE, 8);
        final MemorySegment stat = arena.allocate(CStructs.STAT_SIZE, 8);
        final MemorySegment statvfs = arena.allocate(CStructs.STATVFS_SIZE, 8);
        final MemorySegment groups = arena.allocate(4L * MAX_GROUPS, 4);
        /** A name or link target with its NUL, for the char* arguments of replies. */
        final MemorySegment cString = arena.allocate(PATH_MAX + 1, 8);
        MemorySegment buf = arena.allocate(256 << 10, 4096);
        /** -o debug only: the errno a Call answered without throwing ({@link #replyErr}), 0 for none. */
        int errno;

        int takeErrno() {
            int e = errno;
            errno = 0;
            return e;
        }

        MemorySegment buffer(long size) {
            if (buf.byteSize() < size) {
                buf = arena.allocate(size, 4096);
            }
            return buf;
        }
    }

    /** Requests served since mount, by type (nvmfs stats). */
    final RequestCounts counts = new RequestCounts();

    LowLevelFs(NvmFs fs, LowLevelLib lib, double attrTimeout, double entryTimeout, KernelInit init) {
        this(fs, lib, attrTimeout, entryTimeout, init, false);
    }

    LowLevelFs(NvmFs fs, LowLevelLib lib, double attrTimeout, double entryTimeout, KernelInit init, boolean debug) {
        this.debug = debug;
        this.fs = fs;
        this.init = init;
        this.lib = lib;
        this.attrTimeout = attrTimeout;
        this.entryTimeout = entryTimeout;
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /**
     * Runs one request's work and guarantees its answer: whatever {@code call} throws (an
     * FsException: its errno; anything else, Errors included: EIO) is answered with
     * fuse_reply_err. Exactly once: every Call replies as its last step, and jnr converts a
     * reply's arguments before the native call, so when something is caught here nothing has
     * been sent. The reply comes before anything else in the handler (logging can fail too, e.g.
     * out of memory). If even fuse_reply_err throws, the exception reaches {@link Session}'s loop,
     * which answers the raw request.
     */
    private void run(long req, String op, long node, Call call) {
        long start = debug ? System.nanoTime() : 0;
        try {
            counts.count(op);
            call.run();
            if (debug) {
                trace(op, node, scratch.get().takeErrno(), start);
            }
        } catch (Throwable t) {
            int errno = errno(t);
            lib.fuse_reply_err(req, errno);
            if (debug) {
                trace(op, node, errno, start);
            }
            if (t instanceof InternalError) {
                readOnlyAfterFault(t);
            }
            if (!(t instanceof FsException)) {
                logOnce(op, t);
            }
        }
    }

    /**
     * -o debug: one DEBUG line per request, {@code lookup node 1: ENOENT 12 us} (the node the
     * request is about: the parent for a name, else the inode; the errno answered or OK; the
     * microseconds from the callback's start to its answer). After the answer, so it never delays
     * one; a failure to log is dropped, as in {@link #logOnce}.
     */
    private static void trace(String op, long node, int errno, long start) {
        try {
            REQUESTS.fine(op + " node " + node + ": " + errnoName(errno) + " " + (System.nanoTime() - start) / 1000 + " us");
        } catch (Throwable loggingFailed) {
            // nothing more to do: the caller has its answer
        }
    }

    static String errnoName(int errno) {
        if (errno == 0) {
            return "OK";
        }
        for (Errno e : Errno.values()) {
            if (e.code() == errno) {
                return e.name();
            }
        }
        return "errno " + errno;
    }

    /** An errno answered from inside a Call (not thrown: a missing xattr is common, and an exception dear). */
    private void replyErr(long req, Errno e) {
        if (debug) {
            scratch.get().errno = e.code();
        }
        lib.fuse_reply_err(req, e.code());
    }

    /** A fault on the mapping (see {@link NvmFs#mappingFault}); the request is already answered. */
    private void readOnlyAfterFault(Throwable t) {
        try {
            fs.mappingFault(t);
        } catch (Throwable ignored) {
            // nothing more to do: the caller has its answer
        }
    }

    private static int errno(Throwable t) {
        return t instanceof FsException e && e.errno() != null ? e.errno().code() : Errno.EIO.code();
    }

    /** Logs the first unexpected failure; a failure to log is dropped (the request is already answered). */
    private void logOnce(String op, Throwable t) {
        try {
            if (loggedUnexpected.compareAndSet(false, true)) {
                LOG.log(Level.SEVERE, "unexpected failure in " + op + " (answered EIO; further ones not logged)", t);
            }
        } catch (Throwable loggingFailed) {
            // nothing more to do: the caller has its answer
        }
    }

    /** The session is mounted on {@code ch}: notifications can be sent. */
    void connected(long ch) {
        channel = ch;
    }

    /**
     * Tells the kernel that {@code ino}'s cached attributes are stale (a mode nvmfs changed while
     * answering something else, as when a write takes set-user-ID away), so the next stat asks.
     * Only attributes: the offset is negative, so no page is touched and no inode lock is taken,
     * which makes it safe while the request that changed them is still being answered.
     */
    private void attributesChanged(long ino) {
        long ch = channel;
        if (ch != 0) {
            lib.fuse_lowlevel_notify_inval_inode(ch, ino, -1, 0);
        }
    }

    /**
     * Whether the caller of {@code req} is in group {@code gid}: its gid or one of its supplementary
     * groups (libfuse reads them from /proc; if that fails, the caller counts as not in the group,
     * which takes set-group-ID away — the safe side).
     */
    private java.util.function.IntPredicate callerGroups(long req) {
        return gid -> {
            MemorySegment ctx = CStructs.at(lib.fuse_req_ctx(req), 16);
            if (ctx.get(ValueLayout.JAVA_INT_UNALIGNED, 4) == gid) {
                return true;
            }
            // Only now the supplementary groups: libfuse reads them from /proc/PID/task/TID/status.
            MemorySegment g = scratch.get().groups;
            int n = Math.min(lib.fuse_req_getgroups(req, MAX_GROUPS, g.address()), MAX_GROUPS);
            for (int i = 0; i < n; i++) {
                if (g.getAtIndex(ValueLayout.JAVA_INT, i) == gid) {
                    return true;
                }
            }
            return false;
        };
    }

    private Caller caller(long req) {
        MemorySegment ctx = CStructs.at(lib.fuse_req_ctx(req), 16);
        return new Caller(ctx.get(ValueLayout.JAVA_INT_UNALIGNED, 0), ctx.get(ValueLayout.JAVA_INT_UNALIGNED, 4));
    }

    /**
     * Replies an entry: the kernel then holds the inode once more until it forgets it, which fs-core
     * is told first (a FORGET racing the reply must find the count already raised).
     */
    private void replyEntry(long req, Stat st) {
        fs.remember(st.ino());
        MemorySegment e = scratch.get().entry;
        CStructs.entry(e, st, attrTimeout, entryTimeout);
        kernelTook(lib.fuse_reply_entry(req, e.address()), st.ino());
    }

    /** A reply the kernel refused (the request was interrupted) gave it no reference: take it back. */
    private void kernelTook(int replyResult, long ino) {
        if (replyResult != 0) {
            try {
                fs.forget(ino, 1);
            } catch (Throwable t) {
                logOnce("forget after a refused reply", t);
            }
        }
    }

    private void replyAttr(long req, Stat st) {
        MemorySegment s = scratch.get().stat;
        CStructs.stat(s, 0, st);
        lib.fuse_reply_attr(req, s.address(), attrTimeout);
    }

    private void ok(long req) {
        lib.fuse_reply_err(req, 0);
    }

    // ------------------------------------------------------------------ the operations

    private static byte[] name(long name) {
        return CStructs.cString(name, NAME_MAX + 1);
    }

    void lookup(long req, long parent, long name) {
        run(req, "lookup", parent, () -> replyEntry(req, fs.getattr(fs.lookup(parent, name(name)))));
    }

    /**
     * FORGET has no answer (fuse_reply_none only frees libfuse's request). The kernel gives back
     * {@code nlookup} references: an unlinked file nothing else holds is freed now.
     */
    void forget(long req, long ino, long nlookup) {
        long start = debug ? System.nanoTime() : 0;
        int errno = 0;
        try {
            fs.forget(ino, nlookup);
        } catch (Throwable t) {
            errno = errno(t);
            logOnce("forget", t);
        } finally {
            lib.fuse_reply_none(req);
        }
        if (debug) {
            trace("forget", ino, errno, start);
        }
    }

    void getattr(long req, long ino, long fi) {
        run(req, "getattr", ino, () -> replyAttr(req, fs.getattr(ino)));
    }

    void setattr(long req, long ino, long attr, int toSet, long fi) {
        run(req, "setattr", ino, () -> {
            MemorySegment a = CStructs.at(attr, CStructs.STAT_SIZE);
            if (RawRequest.setattrKillsPrivileges()) {
                fs.killPrivileges(ino, callerGroups(req)); // the reply carries the new mode
            }
            if ((toSet & SET_MODE) != 0) {
                fs.chmod(ino, a.get(ValueLayout.JAVA_INT_UNALIGNED, 24));
            }
            if ((toSet & (SET_UID | SET_GID)) != 0) {
                fs.chown(ino, (toSet & SET_UID) != 0 ? a.get(ValueLayout.JAVA_INT_UNALIGNED, 28) : -1,
                        (toSet & SET_GID) != 0 ? a.get(ValueLayout.JAVA_INT_UNALIGNED, 32) : -1);
            } else if (toSet == 0) {
                // Only chown(f, -1, -1) sends a SETATTR with nothing to set (a ctime-only change,
                // whose bit libfuse 2 drops; utimensat with both UTIME_OMIT never reaches the
                // filesystem): it still takes the privileges a chown takes.
                fs.chown(ino, -1, -1);
            }
            if ((toSet & SET_SIZE) != 0) {
                fs.truncate(ino, a.get(ValueLayout.JAVA_LONG_UNALIGNED, 48));
            }
            if ((toSet & (SET_ATIME | SET_MTIME | SET_ATIME_NOW | SET_MTIME_NOW)) != 0) {
                fs.utimens(ino, time(a, toSet, SET_ATIME, SET_ATIME_NOW, 72), time(a, toSet, SET_MTIME, SET_MTIME_NOW, 88));
            }
            replyAttr(req, fs.getattr(ino));
        });
    }

    private static long[] time(MemorySegment a, int toSet, int set, int now, long off) {
        if ((toSet & now) != 0) {
            return Times.NOW;
        }
        if ((toSet & set) != 0) {
            return new long[] {a.get(ValueLayout.JAVA_LONG_UNALIGNED, off), a.get(ValueLayout.JAVA_LONG_UNALIGNED, off + 8)};
        }
        return null;
    }

    void readlink(long req, long ino) {
        run(req, "readlink", ino, () -> lib.fuse_reply_readlink(req, CStructs.cString(scratch.get().cString, fs.readlinkBytes(ino))));
    }

    void mknod(long req, long parent, long name, int mode, long rdev) {
        run(req, "mknod", parent, () -> replyEntry(req, fs.mknod(parent, name(name), mode, rdev, caller(req))));
    }

    void mkdir(long req, long parent, long name, int mode) {
        run(req, "mkdir", parent, () -> replyEntry(req, fs.mkdir(parent, name(name), mode, caller(req))));
    }

    void unlink(long req, long parent, long name) {
        run(req, "unlink", parent, () -> {
            fs.unlink(parent, name(name));
            ok(req);
        });
    }

    void rmdir(long req, long parent, long name) {
        run(req, "rmdir", parent, () -> {
            fs.rmdir(parent, name(name));
            ok(req);
        });
    }

    void symlink(long req, long link, long parent, long name) {
        run(req, "symlink", parent, () -> replyEntry(req, fs.symlink(parent, name(name), CStructs.cString(link, PATH_MAX), caller(req))));
    }

    void rename(long req, long parent, long name, long newParent, long newName) {
        run(req, "rename", parent, () -> {
            fs.rename(parent, name(name), newParent, name(newName), 0);
            ok(req);
        });
    }

    void link(long req, long ino, long newParent, long newName) {
        run(req, "link", ino, () -> replyEntry(req, fs.link(ino, newParent, name(newName))));
    }

    void open(long req, long ino, long fi) {
        run(req, "open", ino, () -> {
            long fh = fs.open(ino, openFlags(fi));
            // Reads the kernel serves from its page cache never reach nvmfs, so they cannot update
            // atime: when a read is due to update it (relatime after a change, strictatime
            // always), this open drops the cached pages and the first read comes here.
            CStructs.fiSetFh(fi, fh, !fs.readUpdatesAtime(ino));
            if (lib.fuse_reply_open(req, fi) != 0) {
                fs.release(fh); // the open was interrupted: no RELEASE will come for this handle
            }
        });
    }

    /**
     * The open flags fs-core gets. With the writeback cache the kernel reads pages through a
     * handle opened write-only (to fill a partly written page) and computes append offsets itself
     * before writing back; so a write-only handle is opened read-write and O_APPEND is dropped.
     * Permissions are not widened: the kernel checked the caller's access mode at open
     * (default_permissions), and the handle never reaches the caller.
     */
    private int openFlags(long fi) {
        int flags = CStructs.fiFlags(fi);
        if (init.writebackGranted()) {
            if ((flags & O_ACCMODE) == O_WRONLY) {
                flags = (flags & ~O_ACCMODE) | O_RDWR;
            }
            flags &= ~O_APPEND;
        }
        return flags;
    }

    void read(long req, long ino, long size, long off, long fi) {
        run(req, "read", ino, () -> {
            MemorySegment buf = scratch.get().buffer(size);
            int n = fs.read(CStructs.fiFh(fi), off, buf, 0, (int) size);
            lib.fuse_reply_buf(req, buf.address(), n);
        });
    }

    void write(long req, long ino, long buf, long size, long off, long fi) {
        run(req, "write", ino, () -> {
            if (RawRequest.writeKillsPrivileges() && fs.killPrivileges(ino, callerGroups(req))) {
                attributesChanged(ino);
            }
            int n = fs.write(CStructs.fiFh(fi), off, CStructs.at(buf, size), 0, (int) size);
            if (n < size && init.writebackGranted()) {
                // The kernel's write-back takes a short count as done and drops the rest of its
                // pages: only an error reaches the file's mapping and so the next fsync and close.
                throw new FsException(Errno.ENOSPC, "no space for " + (size - n) + " of " + size + " written-back bytes");
            }
            lib.fuse_reply_write(req, n);
        });
    }

    void flush(long req, long ino, long fi) {
        run(req, "flush", ino, () -> {
            fs.flush(CStructs.fiFh(fi));
            ok(req);
        });
    }

    void release(long req, long ino, long fi) {
        run(req, "release", ino, () -> {
            fs.release(CStructs.fiFh(fi));
            ok(req);
        });
    }

    void fsync(long req, long ino, int datasync, long fi) {
        run(req, "fsync", ino, () -> {
            fs.fsync(CStructs.fiFh(fi), datasync != 0);
            ok(req);
        });
    }

    void opendir(long req, long ino, long fi) {
        run(req, "opendir", ino, () -> {
            CStructs.fiSetFh(fi, fs.opendir(ino), false);
            lib.fuse_reply_open(req, fi);
        });
    }

    void readdir(long req, long ino, long size, long off, long fi) {
        run(req, "readdir", ino, () -> {
            Scratch sc = scratch.get();
            MemorySegment buf = sc.buffer(size);
            long used = 0;
            long cookie = off;
            outer:
            while (true) {
                List<DirEntry> batch = fs.readdirHandle(CStructs.fiFh(fi), cookie, 128);
                if (batch.isEmpty()) {
                    break;
                }
                for (DirEntry e : batch) {
                    long need = Dirents.put(buf, used, size - used, e.ino(), e.nextCookie(), e.type(), e.nameBytes());
                    if (need > size - used) {
                        break outer;
                    }
                    used += need;
                    cookie = e.nextCookie();
                }
            }
            lib.fuse_reply_buf(req, buf.address(), used);
        });
    }

    void releasedir(long req, long ino, long fi) {
        run(req, "releasedir", ino, () -> {
            fs.releasedir(CStructs.fiFh(fi));
            ok(req);
        });
    }

    void fsyncdir(long req, long ino, int datasync, long fi) {
        // Directory changes are journaled: durable when each call returned.
        run(req, "fsyncdir", ino, () -> ok(req));
    }

    void statfs(long req, long ino) {
        run(req, "statfs", ino, () -> {
            MemorySegment s = scratch.get().statvfs;
            CStructs.statvfs(s, fs.statfs());
            lib.fuse_reply_statfs(req, s.address());
        });
    }

    void setxattr(long req, long ino, String name, long value, long size, int flags) {
        run(req, "setxattr", ino, () -> {
            fs.setxattr(ino, name, CStructs.at(value, size).toArray(ValueLayout.JAVA_BYTE), flags);
            ok(req);
        });
    }

    void getxattr(long req, long ino, String name, long size) {
        run(req, "getxattr", ino, () -> {
            byte[] v = fs.getxattrOrNull(ino, name);
            if (v == null) {
                replyErr(req, Errno.ENODATA);
            } else if (size != 0 && v.length > size) {
                replyErr(req, Errno.ERANGE);
            } else {
                replyXattr(req, v, size);
            }
        });
    }

    void listxattr(long req, long ino, long size) {
        run(req, "listxattr", ino, () -> replyXattr(req, fs.listxattr(ino, (int) size, caller(req)), size));
    }

    private void replyXattr(long req, byte[] v, long size) {
        if (size == 0) {
            lib.fuse_reply_xattr(req, v.length);
            return;
        }
        MemorySegment buf = scratch.get().buffer(Math.max(1, v.length));
        MemorySegment.copy(v, 0, buf, ValueLayout.JAVA_BYTE, 0, v.length);
        lib.fuse_reply_buf(req, buf.address(), v.length);
    }

    void removexattr(long req, long ino, String name) {
        run(req, "removexattr", ino, () -> {
            fs.removexattr(ino, name);
            ok(req);
        });
    }

    void access(long req, long ino, int mask) {
        run(req, "access", ino, () -> {
            fs.access(ino, mask, caller(req));
            ok(req);
        });
    }

    void create(long req, long parent, long name, int mode, long fi) {
        run(req, "create", parent, () -> {
            NvmFs.Created c = fs.create(parent, name(name), mode, openFlags(fi), caller(req));
            CStructs.fiSetFh(fi, c.fh(), true);
            fs.remember(c.stat().ino());
            MemorySegment e = scratch.get().entry;
            CStructs.entry(e, c.stat(), attrTimeout, entryTimeout);
            int result = lib.fuse_reply_create(req, e.address(), fi);
            if (result != 0) {
                fs.release(c.fh()); // the open was interrupted: no RELEASE will come for this handle
            }
            kernelTook(result, c.stat().ino());
        });
    }

    /**
     * The kernel passes fallocate on without taking privileges away (it does for write and
     * truncate, through HANDLE_KILLPRIV_V2), while the VFS of a local filesystem takes them on
     * every fallocate by a caller without CAP_FSETID: nvmfs does so here, root standing for
     * CAP_FSETID (FUSE does not say which capabilities the caller has).
     */
    void fallocate(long req, long ino, int mode, long off, long length, long fi) {
        run(req, "fallocate", ino, () -> {
            if (caller(req).uid() != 0 && fs.killPrivileges(ino, callerGroups(req))) {
                attributesChanged(ino);
            }
            fs.fallocate(CStructs.fiFh(fi), mode, off, length);
            ok(req);
        });
    }

    // ------------------------------------------------------------------ the ops struct

    /**
     * {@code struct fuse_lowlevel_ops} pointing at this object's callbacks, in {@code arena}. The
     * returned object is what keeps them (and this object) alive: whoever hands its struct to
     * libfuse must hold it for as long as libfuse may call (see {@link Callbacks}).
     */
    Callbacks callbacks(Arena arena) {
        Callbacks s = new Callbacks(arena);
        s.put(LowLevelCallbacks.LOOKUP, LowLevelCallbacks.NameCb.class, (LowLevelCallbacks.NameCb) this::lookup);
        s.put(LowLevelCallbacks.FORGET, LowLevelCallbacks.ForgetCb.class, (LowLevelCallbacks.ForgetCb) this::forget);
        s.put(LowLevelCallbacks.GETATTR, LowLevelCallbacks.InoFiCb.class, (LowLevelCallbacks.InoFiCb) this::getattr);
        s.put(LowLevelCallbacks.SETATTR, LowLevelCallbacks.SetattrCb.class, (LowLevelCallbacks.SetattrCb) this::setattr);
        s.put(LowLevelCallbacks.READLINK, LowLevelCallbacks.InoCb.class, (LowLevelCallbacks.InoCb) this::readlink);
        s.put(LowLevelCallbacks.MKNOD, LowLevelCallbacks.MknodCb.class, (LowLevelCallbacks.MknodCb) this::mknod);
        s.put(LowLevelCallbacks.MKDIR, LowLevelCallbacks.MkdirCb.class, (LowLevelCallbacks.MkdirCb) this::mkdir);
        s.put(LowLevelCallbacks.UNLINK, LowLevelCallbacks.NameCb.class, (LowLevelCallbacks.NameCb) this::unlink);
        s.put(LowLevelCallbacks.RMDIR, LowLevelCallbacks.NameCb.class, (LowLevelCallbacks.NameCb) this::rmdir);
        s.put(LowLevelCallbacks.SYMLINK, LowLevelCallbacks.SymlinkCb.class, (LowLevelCallbacks.SymlinkCb) this::symlink);
        s.put(LowLevelCallbacks.RENAME, LowLevelCallbacks.RenameCb.class, (LowLevelCallbacks.RenameCb) this::rename);
        s.put(LowLevelCallbacks.LINK, LowLevelCallbacks.LinkCb.class, (LowLevelCallbacks.LinkCb) this::link);
        s.put(LowLevelCallbacks.OPEN, LowLevelCallbacks.InoFiCb.class, (LowLevelCallbacks.InoFiCb) this::open);
        s.put(LowLevelCallbacks.READ, LowLevelCallbacks.ReadCb.class, (LowLevelCallbacks.ReadCb) this::read);
        s.put(LowLevelCallbacks.WRITE, LowLevelCallbacks.WriteCb.class, (LowLevelCallbacks.WriteCb) this::write);
        s.put(LowLevelCallbacks.FLUSH, LowLevelCallbacks.InoFiCb.class, (LowLevelCallbacks.InoFiCb) this::flush);
        s.put(LowLevelCallbacks.RELEASE, LowLevelCallbacks.InoFiCb.class, (LowLevelCallbacks.InoFiCb) this::release);
        s.put(LowLevelCallbacks.FSYNC, LowLevelCallbacks.FsyncCb.class, (LowLevelCallbacks.FsyncCb) this::fsync);
        s.put(LowLevelCallbacks.OPENDIR, LowLevelCallbacks.InoFiCb.class, (LowLevelCallbacks.InoFiCb) this::opendir);
        s.put(LowLevelCallbacks.READDIR, LowLevelCallbacks.ReadCb.class, (LowLevelCallbacks.ReadCb) this::readdir);
        s.put(LowLevelCallbacks.RELEASEDIR, LowLevelCallbacks.InoFiCb.class, (LowLevelCallbacks.InoFiCb) this::releasedir);
        s.put(LowLevelCallbacks.FSYNCDIR, LowLevelCallbacks.FsyncCb.class, (LowLevelCallbacks.FsyncCb) this::fsyncdir);
        s.put(LowLevelCallbacks.STATFS, LowLevelCallbacks.InoCb.class, (LowLevelCallbacks.InoCb) this::statfs);
        s.put(LowLevelCallbacks.SETXATTR, LowLevelCallbacks.SetxattrCb.class, (LowLevelCallbacks.SetxattrCb) this::setxattr);
        s.put(LowLevelCallbacks.GETXATTR, LowLevelCallbacks.GetxattrCb.class, (LowLevelCallbacks.GetxattrCb) this::getxattr);
        s.put(LowLevelCallbacks.LISTXATTR, LowLevelCallbacks.SizeCb.class, (LowLevelCallbacks.SizeCb) this::listxattr);
        s.put(LowLevelCallbacks.REMOVEXATTR, LowLevelCallbacks.RemovexattrCb.class,
                (LowLevelCallbacks.RemovexattrCb) this::removexattr);
        s.put(LowLevelCallbacks.ACCESS, LowLevelCallbacks.AccessCb.class, (LowLevelCallbacks.AccessCb) this::access);
        s.put(LowLevelCallbacks.CREATE, LowLevelCallbacks.CreateCb.class, (LowLevelCallbacks.CreateCb) this::create);
        s.put(LowLevelCallbacks.FALLOCATE, LowLevelCallbacks.FallocateCb.class,
                (LowLevelCallbacks.FallocateCb) this::fallocate);
        return s;
    }
}
