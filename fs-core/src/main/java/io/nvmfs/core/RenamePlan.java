package io.nvmfs.core;

/**
 * One rename, with every inode involved already locked: checks, one transaction, then the DRAM
 * follow-up. Handles replace, RENAME_NOREPLACE, RENAME_EXCHANGE, directory moves (parent field,
 * link counts) and the loop check.
 */
final class RenamePlan {
    private final NvmFs nf;
    private final FsCore fs;
    private final Inode od;
    private final Directory odx;
    private final Name from;
    private final Inode nd;
    private final Directory ndx;
    private final Name to;
    private final Inode src;
    private final Inode dst;
    private final int flags;

    RenamePlan(NvmFs nf, Inode od, Directory odx, Name from, Inode nd, Directory ndx, Name to, Inode src, Inode dst,
               int flags) {
        this.nf = nf;
        this.fs = nf.fs;
        this.od = od;
        this.odx = odx;
        this.from = from;
        this.nd = nd;
        this.ndx = ndx;
        this.to = to;
        this.src = src;
        this.dst = dst;
        this.flags = flags;
    }

    void run() throws FsException {
        boolean exchange = (flags & NvmFs.RENAME_EXCHANGE) != 0;
        if (exchange && dst == null) {
            throw new FsException(Errno.ENOENT, "'" + to + "' does not exist (RENAME_EXCHANGE)");
        }
        if ((flags & NvmFs.RENAME_NOREPLACE) != 0 && dst != null) {
            throw new FsException(Errno.EEXIST, "'" + to + "' exists (RENAME_NOREPLACE)");
        }
        if (dst != null && dst.ino == src.ino) {
            return; // two names of one inode: POSIX says do nothing
        }
        if (exchange) {
            exchange();
            return;
        }
        if (dst != null) {
            if (src.isDir() && !dst.isDir()) {
                throw new FsException(Errno.ENOTDIR, "'" + to + "' is not a directory");
            }
            if (!src.isDir() && dst.isDir()) {
                throw new FsException(Errno.EISDIR, "'" + to + "' is a directory");
            }
            if (dst.isDir() && fs.directory(dst).entries() > 0) {
                throw new FsException(Errno.ENOTEMPTY, "directory '" + to + "' is not empty");
            }
        }
        if (src.isDir() && od != nd) {
            checkNotInside(src, nd);
        }
        Namespace.Growth growth = dst == null ? Namespace.grow(fs, nd, ndx, to) : null;
        long[] now = fs.now();
        FsCore.AfterCommit after = new FsCore.AfterCommit();
        Transaction tx = new Transaction();
        long off = -1;
        boolean dstFreed = false;
        if (dst == null) {
            off = ndx.planInsert(tx, fs, nd, to, src.ino, Mode.dtype(src.mode));
        } else {
            ndx.planRetarget(tx, nd, to, src.ino, Mode.dtype(src.mode));
            dstFreed = Namespace.dropLink(fs, tx, dst, now, after);
            if (dst.isDir()) {
                nd.nlink--;
            }
        }
        odx.planRemove(tx, od, from);
        if (src.isDir() && od != nd) {
            src.parent = nd.ino;
            od.nlink--;
            nd.nlink++;
        }
        src.setTime(Inode.CTIME, now);
        fs.writeInode(tx, src, after);
        touch(od, now);
        fs.writeInode(tx, od, after);
        if (nd != od) {
            touch(nd, now);
            fs.writeInode(tx, nd, after);
        }
        try {
            fs.commit(tx, after);
        } catch (FsException e) {
            Namespace.undo(fs, nd, growth);
            // DRAM link counts and parent may have moved: drop the copies, the media is the truth.
            fs.cache.remove(src.ino);
            fs.cache.remove(od.ino);
            fs.cache.remove(nd.ino);
            if (dst != null) {
                fs.cache.remove(dst.ino);
            }
            throw e;
        }
        odx.afterRemove(fs.seg, od, from);
        if (off >= 0) {
            ndx.afterInsert(fs.seg, nd, to, off, src.ino);
        } else {
            ndx.afterRetarget(to, src.ino);
        }
        fs.written(src);
        fs.written(od);
        fs.written(nd);
        if (dst != null) {
            Namespace.settle(fs, dst, dstFreed);
        }
    }

    private void exchange() throws FsException {
        if (od != nd) {
            if (src.isDir()) {
                checkNotInside(src, nd);
            }
            if (dst.isDir()) {
                checkNotInside(dst, od);
            }
        }
        long[] now = fs.now();
        FsCore.AfterCommit after = new FsCore.AfterCommit();
        Transaction tx = new Transaction();
        odx.planRetarget(tx, od, from, dst.ino, Mode.dtype(dst.mode));
        ndx.planRetarget(tx, nd, to, src.ino, Mode.dtype(src.mode));
        if (od != nd) {
            if (src.isDir()) {
                src.parent = nd.ino;
                od.nlink--;
                nd.nlink++;
            }
            if (dst.isDir()) {
                dst.parent = od.ino;
                nd.nlink--;
                od.nlink++;
            }
        }
        src.setTime(Inode.CTIME, now);
        dst.setTime(Inode.CTIME, now);
        fs.writeInode(tx, src, after);
        fs.writeInode(tx, dst, after);
        touch(od, now);
        fs.writeInode(tx, od, after);
        if (nd != od) {
            touch(nd, now);
            fs.writeInode(tx, nd, after);
        }
        fs.commit(tx, after);
        odx.afterRetarget(from, dst.ino);
        ndx.afterRetarget(to, src.ino);
        fs.written(src);
        fs.written(dst);
        fs.written(od);
        fs.written(nd);
    }

    private static void touch(Inode dir, long[] now) {
        dir.setTime(Inode.MTIME, now);
        dir.setTime(Inode.CTIME, now);
    }

    /** EINVAL if {@code target} is {@code dir} or lies below it (walks parents up to the root). */
    private void checkNotInside(Inode dir, Inode target) throws FsException {
        long p = target.ino;
        for (int depth = 0; depth < 1_000_000; depth++) {
            if (p == dir.ino) {
                throw new FsException(Errno.EINVAL, "cannot move directory " + dir.ino + " into itself or below it");
            }
            if (p == InodeTable.ROOT) {
                return;
            }
            Inode cached = fs.cache.get(p);
            long parent;
            if (cached != null) {
                parent = cached.parent;
            } else {
                try {
                    parent = fs.table.read(p).parent;
                } catch (CorruptFsException e) {
                    throw fs.corrupt(e);
                }
            }
            p = parent;
        }
        throw fs.corrupt(new CorruptFsException("directory " + target.ino, "parent chain does not reach the root"));
    }
}
