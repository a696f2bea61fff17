package io.nvmfs.core;

/**
 * The unit of work for one inode: change it, commit its record (its data first, data=ordered),
 * run the releases the change queued — and if anything fails, put the inode back as it was and
 * free what the change allocated, so a failed call changes nothing. Every method is called with
 * the inode's stripe write lock held. Below {@link NvmFs}, {@link Handles}, {@link Fallocate} and
 * {@link XattrCalls}, which all commit inodes through it.
 */
final class InodeCommits {
    private final FsCore fs;

    InodeCommits(FsCore fs) {
        this.fs = fs;
    }

    /** A change of one inode made before its commit; blocks it makes unreachable go to {@code after}. */
    @FunctionalInterface
    interface Change {
        void apply(FsCore.AfterCommit after) throws FsException;
    }

    /** A change of attributes only (mode, owner, times): no extent moves, so none is saved for the undo. */
    @FunctionalInterface
    interface AttributeChange {
        void apply(Inode n);
    }

    /** Applies {@code change} to {@code n} and commits it; on failure nothing of it remains. */
    void change(Inode n, Change change) throws FsException {
        Inode.Saved saved = n.save();
        try {
            FsCore.AfterCommit after = new FsCore.AfterCommit();
            change.apply(after);
            commit(n, after);
            n.kept(saved);
        } catch (FsException | RuntimeException e) {
            fs.undo(n, saved);
            throw e;
        }
    }

    /** As {@link #change} for attributes, and the change time set. */
    void changeAttributes(Inode n, AttributeChange change) throws FsException {
        Inode.Saved saved = n.saveAttributes();
        try {
            change.apply(n);
            n.setTime(Inode.CTIME, fs.now());
            commit(n, new FsCore.AfterCommit());
        } catch (FsException | RuntimeException e) {
            fs.undo(n, saved);
            throw e;
        }
    }

    /** Commits {@code n}'s record (its data first) and runs {@code after}. */
    void commit(Inode n, FsCore.AfterCommit after) throws FsException {
        Transaction tx = new Transaction();
        ExtentChain chain = n.extentChain;
        try {
            fs.writeInode(tx, n, after);
            fs.commit(tx, after);
        } catch (FsException | RuntimeException e) {
            // The extent pages written for this commit are referenced by nothing; the media still
            // names the old chain, which stays the inode's (its free was queued in after, dropped).
            fs.dropUnreferencedChain(n, chain);
            throw e;
        }
        fs.written(n);
    }

    /**
     * Gives back the blocks past EOF that the growth policy allocated (see {@link FileData#trimTail}),
     * committed like a truncate to the current size.
     */
    void trimTail(Inode n) throws FsException {
        change(n, after -> FileData.trimTail(fs, n, after));
    }

    /** Persists {@code n}'s data and commits its record if anything is pending. */
    void sync(Inode n) throws FsException {
        if (n.metaDirty || n.extentsDirty) {
            commit(n, new FsCore.AfterCommit());
        } else if (!n.dirtyData.isEmpty()) {
            FileData.persistDirty(fs, n);
            fs.cache.put(n);
        }
    }
}
