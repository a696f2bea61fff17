package io.nvmfs.core;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open files and directories, and the data path through them: the handle table, open/create,
 * read, write, fsync, flush, release, fallocate, opendir/releasedir. {@link NvmFs} delegates here;
 * the locking rules are the ones its class comment gives (a handle's inode lock only).
 */
final class Handles {
    private final NvmFs nf;
    private final FsCore fs;
    private final ConcurrentHashMap<Long, Handle> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    Handles(NvmFs nf, FsCore fs) {
        this.nf = nf;
        this.fs = fs;
    }

    /** Handles still open (detach releases them). */
    List<Long> open() {
        return List.copyOf(handles.keySet());
    }


    /** Opens an existing inode; returns the handle. O_TRUNC truncates. */
    long open(long ino, int flags) throws FsException {
        if ((flags & Handle.O_ACCMODE) != 0 || (flags & Handle.O_TRUNC) != 0) {
            fs.checkWritable();
        }
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            if (n.isDir() && (flags & Handle.O_ACCMODE) != 0) {
                throw new FsException(Errno.EISDIR, "cannot open directory " + ino + " for writing");
            }
            FileFlags.requireOpenable(n, flags);
            if ((flags & Handle.O_TRUNC) != 0 && Mode.isReg(n.mode) && n.size > 0) {
                fs.commits.change(n, after -> {
                    FileData.truncate(fs, n, 0, after);
                    long[] now = fs.now();
                    n.setTime(Inode.MTIME, now);
                    n.setTime(Inode.CTIME, now);
                });
            }
            return newHandle(n, flags);
        }
    }

    /** Creates and opens a regular file (O_EXCL: EEXIST if it exists; otherwise an existing one is opened). */
    NvmFs.Created create(long parent, byte[] name, int mode, int flags, Caller caller) throws FsException {
        while (true) {
            try {
                Namespace.Made made = Namespace.create(nf, parent, name, Mode.S_IFREG | (mode & Mode.PERMS), 0, null, caller);
                try (var held = fs.locks.writeAll(made.ino())) {
                    return new NvmFs.Created(newHandle(fs.inode(made.ino()), flags), made.stat());
                }
            } catch (FsException e) {
                if (e.errno() != Errno.EEXIST || (flags & Handle.O_EXCL) != 0) {
                    throw e;
                }
            }
            long ino;
            try {
                ino = nf.lookup(parent, name);
            } catch (FsException e) {
                if (e.errno() == Errno.ENOENT) {
                    continue; // removed meanwhile: create again
                }
                throw e;
            }
            long fh = open(ino, flags);
            return new NvmFs.Created(fh, nf.getattr(ino));
        }
    }

    /** O_TMPFILE: an open regular file in no directory (see {@link Namespace#createUnnamed}). */
    NvmFs.Created tmpfile(long parent, int mode, int flags, Caller caller) throws FsException {
        return Namespace.createUnnamed(nf, parent, mode, caller, n -> newHandle(n, flags));
    }

    private long newHandle(Inode n, int flags) {
        long fh = nextHandle.getAndIncrement();
        n.openHandles++;
        if (n.nlink == 0) {
            fs.kernelRefs.settled(n.ino); // open again: its last release decides, not a forget
        }
        fs.cache.put(n);
        handles.put(fh, new Handle(fh, n, flags));
        return fh;
    }

    private Handle handle(long fh) throws FsException {
        Handle h = handles.get(fh);
        if (h == null) {
            throw new FsException(Errno.EBADF, "no open handle " + fh);
        }
        return h;
    }

    /** A handle open for writing on a writable filesystem (EROFS, EBADF otherwise). */
    private Handle writableHandle(long fh) throws FsException {
        fs.checkWritable();
        Handle h = handle(fh);
        if (!h.writable()) {
            throw new FsException(Errno.EBADF, "handle " + fh + " is not open for writing");
        }
        return h;
    }

    /** Inode of an open handle. */
    long inodeOf(long fh) throws FsException {
        return handle(fh).inode.ino;
    }

    int read(long fh, long offset, MemorySegment dst, long dstOffset, int length) throws FsException {
        Handle h = handle(fh);
        if (!h.readable()) {
            throw new FsException(Errno.EBADF, "handle " + fh + " is not open for reading");
        }
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "negative offset");
        }
        Inode n = h.inode;
        int got;
        boolean touchAtime;
        var lock = fs.locks.of(n.ino).readLock();
        lock.lock();
        try {
            if (n.isDir()) {
                throw new FsException(Errno.EISDIR, "inode " + n.ino + " is a directory");
            }
            got = FileData.read(fs, n, offset, dst, dstOffset, length);
            touchAtime = Times.atimeDue(fs.options.atime(), n, fs.options.time());
        } finally {
            lock.unlock();
        }
        if (touchAtime && !fs.isReadOnly()) { // checked under the read lock: most reads take no write lock
            touchAtime(n);
        }
        return got;
    }

    int write(long fh, long offset, MemorySegment src, long srcOffset, int length) throws FsException {
        Handle h = writableHandle(fh);
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "negative offset");
        }
        Inode n = h.inode;
        // Data path: the inode's own lock, taken directly (no multi-lock bookkeeping). The open
        // handle keeps the inode pinned in the cache, so nothing needs re-filing after the write.
        var lock = fs.locks.of(n.ino).writeLock();
        lock.lock();
        try {
            boolean appending = (h.flags & Handle.O_APPEND) != 0;
            long at = appending ? n.size : offset;
            FileFlags.requireDataWritable(n, at, appending, "write");
            int written = FileData.write(fs, n, at, src, srcOffset, length);
            long[] now = fs.now();
            n.setTime(Inode.MTIME, now);
            n.setTime(Inode.CTIME, now);
            if (fs.options.sync()) {
                fs.commits.sync(n);
            }
            return written;
        } finally {
            lock.unlock();
        }
    }

    /**
     * copy_file_range between two open files: {@code len} bytes from {@code fhIn} at
     * {@code offIn} to {@code fhOut} at {@code offOut}; returns the bytes copied (0 at or past the
     * source's end). Within one file the ranges must not overlap (EINVAL, as the VFS says), and
     * the bytes go through DRAM, since writing the destination range may reallocate pages the
     * source range maps; between two files, straight from one file's pages to the other's.
     */
    long copyRange(long fhIn, long offIn, long fhOut, long offOut, long len) throws FsException {
        Handle in = handle(fhIn);
        if (!in.readable()) {
            throw new FsException(Errno.EBADF, "handle " + fhIn + " is not open for reading");
        }
        Handle out = writableHandle(fhOut);
        if (offIn < 0 || offOut < 0 || len < 0) {
            throw new FsException(Errno.EINVAL, "negative offset or length");
        }
        if (in.inode.isDir() || out.inode.isDir()) {
            throw new FsException(Errno.EISDIR, "copy_file_range of a directory");
        }
        Inode src = in.inode;
        Inode dst = out.inode;
        try (var held = fs.locks.writeAll(src.ino, dst.ino)) {
            FileFlags.requireDataWritable(dst, offOut, false, "copy into");
            long copied;
            if (src.ino == dst.ino) {
                if (offIn < offOut + len && offOut < offIn + len) {
                    throw new FsException(Errno.EINVAL, "overlapping ranges in one file");
                }
                copied = copyWithin(src, offIn, offOut, len);
            } else {
                copied = FileData.copy(fs, src, offIn, dst, offOut, len);
            }
            if (copied > 0) {
                long[] now = fs.now();
                dst.setTime(Inode.MTIME, now);
                dst.setTime(Inode.CTIME, now);
                if (fs.options.sync()) {
                    fs.commits.sync(dst);
                }
            }
            return copied;
        }
    }

    private long copyWithin(Inode n, long offIn, long offOut, long len) throws FsException {
        byte[] buf = new byte[(int) Math.min(len, 1 << 20)];
        MemorySegment b = MemorySegment.ofArray(buf);
        long done = 0;
        while (done < len) {
            int got = FileData.read(fs, n, offIn + done, b, 0, (int) Math.min(buf.length, len - done));
            if (got == 0) {
                break;
            }
            int put = FileData.write(fs, n, offOut + done, b, 0, got);
            done += put;
            if (put < got) {
                break;
            }
        }
        return done;
    }

    /** fsync / fdatasync: the file's data and metadata are durable on return. */
    void fsync(long fh, boolean dataOnly) throws FsException {
        Inode n = handle(fh).inode;
        try (var held = fs.locks.writeAll(n.ino)) {
            fs.commits.sync(n);
        }
    }

    /** flush (close of one descriptor): persists the file like fsync: data is durable at close (ARCHITECTURE.md, "A write"). */
    void flush(long fh) throws FsException {
        fsync(fh, false);
    }

    /**
     * Last close of a handle: persists, and frees an unlinked file once nothing holds it open.
     * True when it gave back the blocks past EOF (the tail trim), which changes st_blocks.
     */
    boolean release(long fh) throws FsException {
        Inode n = take(fh).inode;
        try (var held = fs.locks.writeAll(n.ino)) {
            if (dropHandle(n)) {
                return false;
            }
            boolean trimmed = false;
            if (!fs.isReadOnly()) {
                if (n.openHandles == 0 && Mode.isReg(n.mode) && FileData.hasTail(n)) {
                    fs.commits.trimTail(n); // nobody has it open for appending any more: back to exact
                    trimmed = true;
                }
                fs.commits.sync(n);
            }
            fs.cache.put(n);
            return trimmed;
        }
    }

    /** fallocate: mode 0 (allocate, extend size), KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE, ZERO_RANGE[|KEEP_SIZE]. */
    void fallocate(long fh, int mode, long offset, long length) throws FsException {
        Handle h = writableHandle(fh);
        Fallocate.apply(nf, h.inode, mode, offset, length);
    }

    /** opendir: a handle on directory {@code ino} (ENOTDIR otherwise), for readdir and fsyncdir. */
    long opendir(long ino) throws FsException {
        try (var held = fs.locks.writeAll(ino)) {
            return newHandle(nf.requireDir(fs.inode(ino)), 0);
        }
    }

    /** releasedir: closes a handle from {@link #opendir}. */
    void releasedir(long fh) throws FsException {
        Inode n = take(fh).inode;
        try (var held = fs.locks.writeAll(n.ino)) {
            if (!dropHandle(n)) {
                fs.cache.put(n);
            }
        }
    }

    /** Removes handle {@code fh} from the table; EBADF when there is none. */
    private Handle take(long fh) throws FsException {
        Handle h = handles.remove(fh);
        if (h == null) {
            throw new FsException(Errno.EBADF, "no open handle " + fh);
        }
        return h;
    }

    /**
     * Drops one open handle of {@code n} (its write lock held). A removed file or directory that
     * nothing holds any more is freed now: returns true, and {@code n} is gone. One that only the
     * kernel still holds is left for its forget.
     */
    private boolean dropHandle(Inode n) throws FsException {
        n.openHandles--;
        if (n.nlink == 0 && fs.unreferenced(n)) {
            Namespace.freeOrphan(nf, n);
            return true;
        }
        if (n.nlink == 0 && n.openHandles == 0) {
            fs.kernelRefs.awaitForget(n.ino);
        }
        return false;
    }

    /** Sets {@code n}'s atime to now if the atime policy says an access now updates it (takes its write lock). */
    private void touchAtime(Inode n) {
        try (var held = fs.locks.writeAll(n.ino)) {
            if (Times.atimeDue(fs.options.atime(), n, fs.options.time())) {
                n.setTime(Inode.ATIME, fs.now());
                n.metaDirty = true;
                fs.cache.put(n);
            }
        }
    }

    /**
     * One batch of a listing through an open directory. A listing from the start updates the
     * directory's atime as reading a file does (relatime by default, as ext4), unless the mount
     * says nodiratime or noatime; later batches of the same listing do not.
     */
    List<DirEntry> readdirHandle(long fh, long cookie, int max) throws FsException {
        Inode dir = handle(fh).inode;
        List<DirEntry> entries = nf.readdir(dir.ino, cookie, max);
        if (cookie == 0 && fs.options.dirAtime() && !fs.isReadOnly()) {
            touchAtime(dir);
        }
        return entries;
    }

}
