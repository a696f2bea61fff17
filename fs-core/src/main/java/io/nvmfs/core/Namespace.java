package io.nvmfs.core;

import io.nvmfs.nvmpg.OutOfSpaceException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operations on names: create, link, remove, rename, and freeing an unlinked inode. Each builds
 * one transaction over the directories and inodes involved, holding all their locks
 * ({@link NvmFs} describes the protocol), commits it, then updates the DRAM indexes and frees
 * what became unreachable.
 */
final class Namespace {
    private Namespace() {}

    record Made(long ino, Stat stat) {
    }

    static Made create(NvmFs nf, long parent, byte[] name, int mode, long rdev, byte[] symlinkTarget, Caller caller)
            throws FsException {
        FsCore fs = nf.fs;
        fs.checkWritable();
        Name nm = Name.checked(name);
        long ino = fs.table.reserve(fs.pg, fs.meta, fs.journal);
        boolean committed = false;
        try (var held = fs.locks.writeAll(parent, ino)) {
            Inode dir = liveDir(nf, parent);
            Directory d = fs.directory(dir);
            if (d.lookup(nm) != 0) {
                throw new FsException(Errno.EEXIST, "'" + Name.of(name) + "' exists in directory " + parent);
            }
            FileFlags.requireEntriesAddable(dir);
            boolean isDir = Mode.isDir(mode);
            if (isDir && dir.nlink >= NvmFs.MAX_LINKS) {
                throw new FsException(Errno.EMLINK, "directory " + parent + " has too many subdirectories");
            }
            Growth growth = grow(fs, dir, d, nm);
            long[] now = fs.now();
            Map<String, byte[]> inherited = new LinkedHashMap<>();
            Inode n = newInode(fs, ino, dir, symlinkTarget != null ? mode : inheritedMode(fs, dir, mode, caller, inherited), caller, now);
            n.nlink = isDir ? 2 : 1;
            n.rdev = rdev;
            n.parent = isDir ? parent : 0;
            FsCore.AfterCommit after = new FsCore.AfterCommit();
            if (symlinkTarget != null) {
                FileData.write(fs, n, 0, java.lang.foreign.MemorySegment.ofArray(symlinkTarget), 0, symlinkTarget.length);
            }
            if (!inherited.isEmpty()) {
                Xattrs.store(fs, n, inherited, after); // the block is named by the inode record below: one commit
            }
            Transaction tx = new Transaction();
            long off = d.planInsert(tx, fs, dir, nm, ino, Mode.dtype(mode));
            fs.writeInode(tx, n, after);
            if (isDir) {
                dir.nlink++;
            }
            dir.setTime(Inode.MTIME, now);
            dir.setTime(Inode.CTIME, now);
            fs.writeInode(tx, dir, after);
            try {
                fs.commit(tx, after);
            } catch (FsException e) {
                if (symlinkTarget != null) {
                    FsCore.AfterCommit undoData = new FsCore.AfterCommit();
                    fs.releaseAllSpace(n, undoData);
                    undoData.run(fs);
                }
                if (n.xattrBlock != 0) {
                    fs.freeQuietly(fs.meta, n.xattrPage(), n.xattrOrder());
                }
                if (isDir) {
                    dir.nlink--;
                }
                undo(fs, dir, growth);
                throw e;
            }
            committed = true;
            d.afterInsert(fs.seg, dir, nm, off, ino);
            fs.written(dir);
            fs.written(n);
            return new Made(ino, Stat.of(n));
        } finally {
            if (!committed) {
                fs.table.unreserve(ino);
            }
        }
    }

    /**
     * The mode a new inode asked for with {@code mode} gets in {@code dir}: with a default ACL
     * there, limited by it (the umask does not apply), and the ACLs it inherits put in
     * {@code inherited} — its access ACL when that says more than the mode, and for a directory
     * the default ACL itself; without one, limited by the caller's umask (posix_acl_create).
     */
    private static int inheritedMode(FsCore fs, Inode dir, int mode, Caller caller, Map<String, byte[]> inherited)
            throws FsException {
        byte[] def = Xattrs.get(fs, dir, PosixAcl.DEFAULT);
        if (def == null) {
            return mode & ~(caller.umask() & 0777);
        }
        PosixAcl.Inherited got = PosixAcl.parse(def).create(mode & 0777);
        if (got.access() != null) {
            inherited.put(PosixAcl.ACCESS, got.access().bytes());
        }
        if (Mode.isDir(mode)) {
            inherited.put(PosixAcl.DEFAULT, def);
        }
        return (mode & ~0777) | got.mode();
    }

    /** Directory {@code ino}, which must still have its name (ENOENT once removed: nothing is made in it). */
    private static Inode liveDir(NvmFs nf, long ino) throws FsException {
        Inode dir = nf.requireDir(nf.fs.inode(ino));
        if (dir.nlink == 0) {
            throw new FsException(Errno.ENOENT, "directory " + ino + " has been removed");
        }
        return dir;
    }

    /** A new inode made by {@code caller} in {@code dir}: owner, group (set-group-ID directories pass theirs on), times. */
    private static Inode newInode(FsCore fs, long ino, Inode dir, int mode, Caller caller, long[] now) {
        Inode n = new Inode(ino);
        n.mode = mode;
        n.uid = caller.uid();
        n.gid = caller.gid();
        if ((dir.mode & Mode.S_ISGID) != 0) {
            n.gid = dir.gid;
            if (Mode.isDir(mode)) {
                n.mode |= Mode.S_ISGID;
            }
        }
        n.generation = fs.newGeneration();
        for (int t = 0; t < 4; t++) {
            n.setTime(t, now);
        }
        return n;
    }

    /**
     * O_TMPFILE: a regular file made in {@code parent} (its owner, group and the directory's
     * existence as create would check them) that no directory names — nlink 0 from the start,
     * {@link Inode#linkable} until LINK names it. One transaction writes the inode alone; its
     * last close (with no name and no kernel reference) frees it, and a crash before any LINK
     * leaves an orphan the next attach frees. {@code open} makes its handle under the same
     * locks, so nothing can free the file between its commit and its first open.
     */
    static NvmFs.Created createUnnamed(NvmFs nf, long parent, int mode, Caller caller,
            java.util.function.ToLongFunction<Inode> open) throws FsException {
        FsCore fs = nf.fs;
        fs.checkWritable();
        long ino = fs.table.reserve(fs.pg, fs.meta, fs.journal);
        boolean committed = false;
        try (var held = fs.locks.writeAll(parent, ino)) {
            Inode dir = liveDir(nf, parent);
            FileFlags.requireEntriesAddable(dir);
            Map<String, byte[]> inherited = new LinkedHashMap<>();
            Inode n = newInode(fs, ino, dir, inheritedMode(fs, dir, Mode.S_IFREG | (mode & Mode.PERMS), caller, inherited),
                    caller, fs.now());
            n.nlink = 0;
            n.linkable = true;
            FsCore.AfterCommit after = new FsCore.AfterCommit();
            if (!inherited.isEmpty()) {
                Xattrs.store(fs, n, inherited, after);
            }
            Transaction tx = new Transaction();
            fs.writeInode(tx, n, after);
            try {
                fs.commit(tx, after);
            } catch (FsException e) {
                if (n.xattrBlock != 0) {
                    fs.freeQuietly(fs.meta, n.xattrPage(), n.xattrOrder());
                }
                throw e;
            }
            committed = true;
            fs.written(n);
            return new NvmFs.Created(open.applyAsLong(n), Stat.of(n));
        } finally {
            if (!committed) {
                fs.table.unreserve(ino);
            }
        }
    }

    static Stat link(NvmFs nf, long ino, long newParent, byte[] newName) throws FsException {
        FsCore fs = nf.fs;
        fs.checkWritable();
        Name nm = Name.checked(newName);
        try (var held = fs.locks.writeAll(ino, newParent)) {
            Inode n = fs.inode(ino);
            if (n.isDir()) {
                throw new FsException(Errno.EPERM, "hard links to directories are not allowed");
            }
            if (n.nlink == 0 && !n.linkable) {
                throw new FsException(Errno.ENOENT, "inode " + ino + " has been unlinked");
            }
            if (n.nlink >= NvmFs.MAX_LINKS) {
                throw new FsException(Errno.EMLINK, "inode " + ino + " has " + n.nlink + " links");
            }
            FileFlags.requireChangeable(n, "link");
            Inode dir = liveDir(nf, newParent);
            FileFlags.requireEntriesAddable(dir);
            Directory d = fs.directory(dir);
            if (d.lookup(nm) != 0) {
                throw new FsException(Errno.EEXIST, "'" + Name.of(newName) + "' exists in directory " + newParent);
            }
            Growth growth = grow(fs, dir, d, nm);
            long[] now = fs.now();
            FsCore.AfterCommit after = new FsCore.AfterCommit();
            Transaction tx = new Transaction();
            long off = d.planInsert(tx, fs, dir, nm, ino, Mode.dtype(n.mode));
            n.nlink++;
            n.setTime(Inode.CTIME, now);
            fs.writeInode(tx, n, after);
            dir.setTime(Inode.MTIME, now);
            dir.setTime(Inode.CTIME, now);
            fs.writeInode(tx, dir, after);
            try {
                fs.commit(tx, after);
            } catch (FsException e) {
                n.nlink--;
                undo(fs, dir, growth);
                throw e;
            }
            n.linkable = false; // named now: from here on a file like any other
            d.afterInsert(fs.seg, dir, nm, off, ino);
            fs.written(dir);
            fs.written(n);
            return Stat.of(n);
        }
    }

    /** unlink ({@code dir} false) or rmdir ({@code dir} true). */
    static void remove(NvmFs nf, long parent, byte[] name, boolean rmdir) throws FsException {
        FsCore fs = nf.fs;
        fs.checkWritable();
        Name nm = Name.checked(name);
        while (true) {
            long child = nf.lookup(parent, name);
            try (var held = fs.locks.writeAll(parent, child)) {
                Inode dir = nf.requireDir(fs.inode(parent));
                Directory d = fs.directory(dir);
                if (d.lookup(nm) != child) {
                    continue; // changed between lookup and locking: look again
                }
                Inode n = fs.inode(child);
                FileFlags.requireEntriesRemovable(dir);
                FileFlags.requireChangeable(n, "remove its name");
                if (rmdir && !n.isDir()) {
                    throw new FsException(Errno.ENOTDIR, "'" + Name.of(name) + "' is not a directory");
                }
                if (!rmdir && n.isDir()) {
                    throw new FsException(Errno.EISDIR, "'" + Name.of(name) + "' is a directory (use rmdir)");
                }
                if (rmdir && fs.directory(n).entries() > 0) {
                    throw new FsException(Errno.ENOTEMPTY, "directory '" + Name.of(name) + "' is not empty");
                }
                long[] now = fs.now();
                FsCore.AfterCommit after = new FsCore.AfterCommit();
                Transaction tx = new Transaction();
                d.planRemove(tx, dir, nm);
                boolean freed = dropLink(fs, tx, n, now, after);
                if (rmdir) {
                    dir.nlink--;
                }
                dir.setTime(Inode.MTIME, now);
                dir.setTime(Inode.CTIME, now);
                fs.writeInode(tx, dir, after);
                fs.commit(tx, after);
                d.afterRemove(fs.seg, dir, nm);
                fs.written(dir);
                settle(fs, n, freed);
                return;
            }
        }
    }

    /**
     * Adds to {@code tx} the loss of one link of {@code n} (a directory loses both of its own).
     * Returns true when {@code n} goes away now (no links, not open): its record is cleared and its
     * space queued on {@code after}. An open file or directory, or one the kernel still holds
     * ({@link KernelRefs}), keeps its record with nlink 0 until its last release or forget; after a
     * crash the orphan scan of the next attach frees it.
     */
    static boolean dropLink(FsCore fs, Transaction tx, Inode n, long[] now, FsCore.AfterCommit after) throws FsException {
        n.nlink = n.isDir() ? 0 : n.nlink - 1;
        n.setTime(Inode.CTIME, now);
        // A removed directory, like a file, stays while open or held by the kernel (someone's
        // cwd): freeing it at once let its number be reused under the kernel's cached inode.
        if (n.nlink == 0 && fs.unreferenced(n)) {
            fs.table.clear(tx, n.ino);
            fs.releaseAllSpace(n, after);
            return true;
        }
        if (n.nlink == 0 && n.openHandles == 0) {
            fs.kernelRefs.awaitForget(n.ino);
        }
        fs.writeInode(tx, n, after);
        return false;
    }

    /** After commit: forget a freed inode, or keep the written copy. */
    static void settle(FsCore fs, Inode n, boolean freed) {
        if (freed) {
            n.dirtyData.clear();
            n.metaDirty = false;
            n.extentsDirty = false;
            fs.cache.remove(n.ino);
            fs.table.unreserve(n.ino);
            fs.shrinkInodeTable();
        } else {
            fs.written(n);
        }
    }

    /** Last release of an unlinked file: clear its record, then free its space. */
    static void freeOrphan(NvmFs nf, Inode n) throws FsException {
        FsCore fs = nf.fs;
        if (fs.isReadOnly()) {
            return;
        }
        FsCore.AfterCommit after = new FsCore.AfterCommit();
        Transaction tx = new Transaction();
        fs.table.clear(tx, n.ino);
        fs.releaseAllSpace(n, after);
        fs.commit(tx, after);
        settle(fs, n, true);
        fs.kernelRefs.settled(n.ino);
    }

    static void rename(NvmFs nf, long oldParent, byte[] oldName, long newParent, byte[] newName, int flags)
            throws FsException {
        FsCore fs = nf.fs;
        fs.checkWritable();
        if ((flags & ~(NvmFs.RENAME_NOREPLACE | NvmFs.RENAME_EXCHANGE)) != 0
                || flags == (NvmFs.RENAME_NOREPLACE | NvmFs.RENAME_EXCHANGE)) {
            throw new FsException(Errno.EINVAL, "rename flags " + flags);
        }
        Name from = Name.checked(oldName);
        Name to = Name.checked(newName);
        while (true) {
            long src = nf.lookup(oldParent, oldName);
            long dst = lookupOrZero(nf, newParent, newName);
            boolean global = oldParent != newParent && isDirQuick(nf, src, dst);
            if (global) {
                nf.renameLock().lock();
            }
            try (var held = fs.locks.writeAll(oldParent, newParent, src, dst)) {
                Inode od = nf.requireDir(fs.inode(oldParent));
                Inode nd = liveDir(nf, newParent);
                Directory odx = fs.directory(od);
                Directory ndx = fs.directory(nd);
                if (odx.lookup(from) != src || ndx.lookup(to) != dst) {
                    continue;
                }
                Inode s = fs.inode(src);
                if (s.isDir() && oldParent != newParent && !global) {
                    continue; // learned it is a directory only now: retry under the rename lock
                }
                Inode d = dst == 0 ? null : fs.inode(dst);
                requireRenameAllowed(od, nd, s, d, flags);
                new RenamePlan(nf, od, odx, from, nd, ndx, to, s, d, flags).run();
                return;
            } finally {
                if (global) {
                    nf.renameLock().unlock();
                }
            }
        }
    }

    /** chattr flags: the source leaves {@code od} and enters {@code nd}; a destination is replaced, or with EXCHANGE moves too. */
    private static void requireRenameAllowed(Inode od, Inode nd, Inode src, Inode dst, int flags) throws FsException {
        FileFlags.requireEntriesRemovable(od);
        FileFlags.requireEntriesAddable(nd);
        FileFlags.requireChangeable(src, "rename");
        if (dst != null) {
            FileFlags.requireEntriesRemovable(nd);
            FileFlags.requireChangeable(dst, (flags & NvmFs.RENAME_EXCHANGE) != 0 ? "rename" : "be replaced");
            if ((flags & NvmFs.RENAME_EXCHANGE) != 0) {
                FileFlags.requireEntriesAddable(od);
            }
        }
    }

    private static long lookupOrZero(NvmFs nf, long parent, byte[] name) throws FsException {
        try {
            return nf.lookup(parent, name);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) {
                return 0;
            }
            throw e;
        }
    }

    private static boolean isDirQuick(NvmFs nf, long src, long dst) throws FsException {
        return Mode.isDir(nf.getattr(src).mode()) || (dst != 0 && Mode.isDir(nf.getattr(dst).mode()));
    }

    /** Pages added to a directory in DRAM, to be committed with the entry that needed them. */
    record Growth(long logicalPage, long physical, int order) {
    }

    /**
     * Makes room for {@code name}: when no page has room, allocates the directory's next geometric
     * extent, formats and persists its pages, and adds it to the DRAM inode and index. Nothing is
     * committed: the caller's transaction writes the directory inode together with the new entry,
     * so a crash shows either both or neither. Returns null when no growth was needed.
     */
    static Growth grow(FsCore fs, Inode dir, Directory d, Name name) throws FsException {
        if (d.hasRoomFor(name)) {
            return null;
        }
        long pages = dir.size >>> 12;
        int order = pages == 0 ? 0 : Math.min(Long.numberOfTrailingZeros(pages), 63 - Long.numberOfLeadingZeros(pages));
        order = Math.min(order, 8);
        long phys;
        while (true) {
            try {
                phys = fs.allocate(fs.meta, order);
                break;
            } catch (OutOfSpaceException e) {
                if (order == 0 || e.largestFreeOrder() < 0) {
                    throw NvmFs.noSpace(e);
                }
                order = Math.min(order - 1, e.largestFreeOrder());
            }
        }
        long n = 1L << order;
        for (long p = 0; p < n; p++) {
            Directory.formatPage(fs.seg, (phys + p) << 12);
        }
        fs.media.persist(phys << 12, n << 12);
        dir.extents.insert(pages, phys, order);
        dir.extentsDirty = true;
        dir.size += n << 12;
        d.afterGrow((int) n);
        return new Growth(pages, phys, order);
    }

    /** The transaction that would have committed {@code g} failed: forget the pages again. */
    static void undo(FsCore fs, Inode dir, Growth g) {
        if (g == null) {
            return;
        }
        int i = dir.extents.find(g.logicalPage());
        if (i >= 0) {
            dir.extents.remove(i);
        }
        dir.size -= (1L << g.order()) << 12;
        dir.directory = null; // rebuilt from the media on next use
        fs.freeQuietly(fs.meta, g.physical(), g.order());
    }
}
