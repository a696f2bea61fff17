package io.nvmfs.core;

/**
 * An inode decoded into DRAM. Guarded by its {@link InodeLocks} stripe.
 *
 * <p>Invariant: every field except those marked DRAM-only equals the on-media record, unless
 * {@link #metaDirty} is set; a dirty inode is pinned in DRAM (never evicted) until a transaction
 * writes it, and that transaction is committed only after {@link #dirtyData} is persisted
 * (data=ordered: no size or extent reaches the media before the data it exposes).
 */
final class Inode {
    static final int ATIME = 0;
    static final int MTIME = 1;
    static final int CTIME = 2;
    static final int BTIME = 3;

    final long ino;
    int mode;
    int nlink;
    int uid;
    int gid;
    long size;
    final long[] sec = new long[4];
    final int[] nsec = new int[4];
    long rdev;
    int generation;
    /** chattr flags ({@link FileFlags}). */
    int flags;
    /** Parent directory of a directory; 0 otherwise. */
    long parent;
    /**
     * The attribute block ({@link XattrBlockFormat}) as the record's {@code xattr} field holds it:
     * page in bits 0..39, order in bits 40..45 ({@link InodeFormat#packPhysical}); 0 = none.
     * Changed only by {@link Xattrs#store}, which queues the old block's free.
     */
    long xattrBlock;
    /**
     * Logical page up to which blocks past EOF were reserved by fallocate(KEEP_SIZE): the tail
     * trim at close keeps them (as ext4 keeps its preallocated extents); 0 = no reservation.
     */
    long keepEnd;
    final ExtentMap extents = new ExtentMap();
    /** The on-media overflow extent chain; {@link ExtentChain#NONE} when extents are inline. */
    ExtentChain extentChain = ExtentChain.NONE;

    // DRAM-only state.
    /** Fields differ from the media record (set by writes that change size, extents or times). */
    boolean metaDirty;
    /** The extent list differs from the media's (so the chain pages it changed must be rewritten). */
    boolean extentsDirty;
    /** File bytes written and not yet persisted. */
    final DirtyRanges dirtyData = new DirtyRanges();
    /** Open handles on this inode. */
    int openHandles;
    /**
     * The xattr block this DRAM copy has found valid ({@link XattrBlockFormat#problem}) or
     * written itself, or 0. Blocks are never changed in place, so one checked once is not checked
     * again while this copy lives, as a directory's pages are checked once, when its index is built.
     * Also set by readers under the read lock: they can only store the current {@link #xattrBlock}
     * (which no reader changes), so racing readers store the same value; volatile so that none
     * sees half of another's store.
     */
    volatile long xattrVerified;
    /** Lazily built index of a directory's entries; null until first needed. */
    Directory directory;
    /**
     * An O_TMPFILE file that has never had a name: LINK may give it its first one, although its
     * nlink is 0 (the kernel refuses that for a file opened with O_EXCL). DRAM only: a crash
     * frees such a file, as it frees every inode without a name.
     */
    boolean linkable;

    Inode(long ino) {
        this.ino = ino;
    }

    /** Pages held: data extents, extent pages, the xattr block's pages. */
    long pages() {
        return extents.pages() + extentChain.length() + xattrPages();
    }

    /** First page of the xattr block; 0 = none. */
    long xattrPage() {
        return InodeFormat.physicalPage(xattrBlock);
    }

    int xattrOrder() {
        return InodeFormat.physicalOrder(xattrBlock);
    }

    /** Pages of the xattr block: 0, or 1..256. */
    long xattrPages() {
        return xattrBlock == 0 ? 0 : 1L << xattrOrder();
    }

    boolean isDir() {
        return Mode.isDir(mode);
    }

    /** Must stay in DRAM: open, or holding changes the media does not have yet. */
    boolean pinned() {
        return openHandles > 0 || metaDirty || extentsDirty || !dirtyData.isEmpty();
    }

    /** The fields an operation may change before its commit, as they were (see {@link #restore}). */
    record Saved(int mode, int flags, int nlink, int uid, int gid, long size, long[] sec, int[] nsec, long rdev, long parent,
                 long keepEnd, boolean extentsSaved, ExtentChain extentChain, boolean metaDirty, boolean extentsDirty) {}

    /**
     * Remembers the state an operation starts from. Invariant kept with {@link #restore}: an
     * operation that fails leaves the DRAM inode as it found it, so nothing it half-did (an extent
     * list whose releases were never run, a mode never committed) reaches the media later through
     * another commit of this inode.
     */
    Saved save() {
        extents.beginUndo(); // not a copy: the map records what the operation changes, to put it back
        return new Saved(mode, flags, nlink, uid, gid, size, sec.clone(), nsec.clone(), rdev, parent, keepEnd, true,
                extentChain, metaDirty, extentsDirty);
    }

    /**
     * As {@link #save} for an operation that changes no extent (chmod, chown, utimens): nothing of
     * the extent map is recorded, and {@link #restore} leaves it as it is.
     */
    Saved saveAttributes() {
        return new Saved(mode, flags, nlink, uid, gid, size, sec.clone(), nsec.clone(), rdev, parent, keepEnd, false,
                extentChain, metaDirty, extentsDirty);
    }

    /** The operation {@link #save} began succeeded: its changes to the extent map stay. */
    void kept(Saved s) {
        if (s.extentsSaved) {
            extents.endUndo();
        }
    }

    void restore(Saved s) {
        mode = s.mode;
        flags = s.flags;
        nlink = s.nlink;
        uid = s.uid;
        gid = s.gid;
        size = s.size;
        System.arraycopy(s.sec, 0, sec, 0, sec.length);
        System.arraycopy(s.nsec, 0, nsec, 0, nsec.length);
        rdev = s.rdev;
        parent = s.parent;
        keepEnd = s.keepEnd;
        if (s.extentsSaved) {
            extents.rollBack();
        }
        extentChain = s.extentChain;
        metaDirty = s.metaDirty;
        extentsDirty = s.extentsDirty;
    }

    void setTime(int which, long[] now) {
        sec[which] = now[0];
        nsec[which] = (int) now[1];
    }
}
