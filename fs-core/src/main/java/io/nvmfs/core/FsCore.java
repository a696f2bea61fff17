package io.nvmfs.core;

import io.nvmfs.nvmpg.Block;
import io.nvmfs.nvmpg.InvalidBlockException;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.OutOfSpaceException;
import io.nvmfs.nvmpg.Owner;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * State every part of the filesystem shares, and the few steps they all take: get an inode,
 * write an inode into a transaction (data first: data=ordered), commit and then free what the
 * commit made unreachable, free a file's space.
 *
 * <p>Freeing always follows the commit that removed the last reference: a crash in between
 * leaves recorded but unreferenced pages, which the leak scan of the next attach frees; the
 * other order could leave a reference to a free (and maybe reused) page.
 */
final class FsCore {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.core");

    final Media media;
    final MemorySegment seg;
    final NvmPages pg;
    final Owner meta;
    final Owner data;
    final Journal journal;
    final InodeTable table;
    final InodeCache cache;
    final InodeLocks locks = new InodeLocks();
    final KernelRefs kernelRefs = new KernelRefs();
    final InodeCommits commits = new InodeCommits(this);
    final FsOptions options;
    final long superblock;
    /**
     * Pages file data may not take: kept for the metadata that committing data needs (extent
     * pages of fragmented files, directory pages, xattr pages), so a full filesystem can still
     * commit what was written and delete. ext4 keeps reserved blocks for the same reason.
     */
    final long metaReserve;
    /**
     * Generation of the next inode created: distinct for every creation in this attach (seeded
     * from the options' clock, so it also differs from earlier attaches, and a fake clock makes
     * images reproducible), so that a reused inode number is
     * never taken for the file that had it before by a client (FUSE's kernel inode cache, NFS)
     * that still remembers the old one.
     */
    private final java.util.concurrent.atomic.AtomicInteger nextGeneration;
    /** Set when corruption is found while attached: every later change fails with EROFS. */
    private volatile String readOnlyReason;

    FsCore(Media media, NvmPages pg, Owner meta, Owner data, Journal journal, InodeTable table, FsOptions options,
           long superblock) {
        this.media = media;
        this.seg = media.segment();
        this.pg = pg;
        this.meta = meta;
        this.data = data;
        this.journal = journal;
        this.table = table;
        this.cache = new InodeCache(options.cacheBytes());
        this.options = options;
        this.superblock = superblock;
        this.metaReserve = Math.max(32, Math.min(4096, pg.stats().usablePages() / 512));
        long[] now = options.time().now();
        this.nextGeneration = new java.util.concurrent.atomic.AtomicInteger((int) (now[0] * 1_000_003L + (now[1] >>> 10)));
        if (options.readOnly()) {
            readOnlyReason = "mounted read-only";
        }
    }

    int newGeneration() {
        return nextGeneration.incrementAndGet();
    }

    long[] now() {
        return options.time().now();
    }

    void checkWritable() throws FsException {
        String why = readOnlyReason;
        if (why != null) {
            throw new FsException(Errno.EROFS, why);
        }
    }

    boolean isReadOnly() {
        return readOnlyReason != null;
    }

    /** Why changes are refused, or null while writable. */
    String readOnlyReason() {
        return readOnlyReason;
    }

    /** Corruption found while attached: log it once, go read-only, and fail this operation with EIO. */
    FsException corrupt(CorruptFsException e) {
        if (readOnlyReason == null) {
            readOnlyReason = "read-only after metadata corruption: " + e.getMessage() + "; run fsck.nvmfs";
            LOG.log(Level.SEVERE, readOnlyReason);
            if (!options.readOnly()) {
                try {
                    recordError(media, superblock);
                } catch (InternalError fault) {
                    // The mapping itself faults (the namespace file shrank): nothing can be recorded.
                }
            }
        }
        return new FsException(Errno.EIO, e.getMessage(), e);
    }

    /**
     * Counts one corruption event in the superblock's {@code errors} field, persisted, as ext4
     * records its error state: the next fsck then checks fully (even of a namespace marked clean)
     * and says why, instead of trusting the clean flag.
     */
    static void recordError(Media media, long superblock) {
        long at = superblock + FsSuperblockFormat.OFF_ERRORS;
        media.segment().set(Le.LONG, at, media.segment().get(Le.LONG, at) + 1);
        media.persist(at, 8);
    }

    /** The inode, loaded if not cached. The caller holds its stripe lock. */
    Inode inode(long ino) throws FsException {
        Inode n = cache.get(ino);
        if (n != null) {
            return n;
        }
        try {
            n = table.read(ino);
        } catch (CorruptFsException e) {
            throw corrupt(e);
        }
        cache.put(n);
        return n;
    }

    /** A directory's index, loaded on first use. The caller holds its stripe lock. */
    Directory directory(Inode dir) throws FsException {
        if (dir.directory == null) {
            try {
                dir.directory = Directory.load(seg, dir);
            } catch (CorruptFsException e) {
                throw corrupt(e);
            }
            cache.put(dir);
        }
        return dir.directory;
    }

    /** Whether {@code n}, with no link left, can go now: nothing holds it open, nor does the kernel. */
    boolean unreferenced(Inode n) {
        return n.openHandles == 0 && !kernelRefs.held(n.ino);
    }

    Owner ownerOf(Inode n) {
        return n.isDir() ? meta : data;
    }

    /**
     * Adds the record of {@code n} to {@code tx}: persists its dirty data first, and writes a fresh
     * overflow extent chain when its extents changed (the old chain is freed after commit).
     */
    void writeInode(Transaction tx, Inode n, AfterCommit after) throws FsException {
        FileData.persistDirty(this, n);
        if (n.extentsDirty) {
            n.extentChain = ExtentChainWriter.update(this, tx, n, after);
        }
        table.write(tx, n);
    }

    /**
     * An operation on {@code n} failed after changing it: gives back the blocks it allocated (data
     * extents, extent pages) — never in any journal record, referenced by nothing on the media —
     * and puts the inode back as {@code saved}. The releases it had queued are dropped with it:
     * the blocks they would have released are the inode's again.
     */
    void undo(Inode n, Inode.Saved saved) {
        Owner owner = ownerOf(n);
        java.util.List<long[]> added = saved.extentsSaved() ? n.extents.insertedSinceBegin() : java.util.List.of();
        dropUnreferencedChain(n, saved.extentChain());
        n.restore(saved);
        for (long[] b : added) {
            if (!n.extents.holdsPhysical(b[0])) { // not a piece of a block the inode had before
                freeQuietly(owner, b[0], (int) b[1]);
            }
        }
    }

    /** Frees the extent pages of {@code n}'s chain that are not in {@code kept}, and puts {@code kept} back. */
    void dropUnreferencedChain(Inode n, ExtentChain kept) {
        if (n.extentChain == kept) {
            return;
        }
        for (long p : n.extentChain.pages()) {
            if (!kept.contains(p)) {
                freeQuietly(meta, p, 0);
            }
        }
        n.extentChain = kept;
        n.extentsDirty = true;
    }

    /** After a commit that included {@link #writeInode}: the DRAM copy now equals the media. */
    void written(Inode n) {
        n.metaDirty = false;
        n.extentsDirty = false;
        n.extents.markWritten();
        cache.put(n);
    }

    /** Commits, then runs what the commit made safe (frees). */
    void commit(Transaction tx, AfterCommit after) throws FsException {
        journal.commit(tx);
        after.run(this);
    }

    /** Every block of {@code n}: extents, extent chain, xattr block, to {@code after}. */
    void releaseAllSpace(Inode n, AfterCommit after) {
        Owner owner = ownerOf(n);
        for (int i = 0; i < n.extents.count(); i++) {
            after.free(owner, n.extents.physical(i), n.extents.order(i));
        }
        for (long p : n.extentChain.pages()) {
            after.free(meta, p, 0);
        }
        if (n.xattrBlock != 0) {
            after.free(meta, n.xattrPage(), n.xattrOrder());
        }
    }

    /**
     * A block from nvmpg; when none is free but the journal holds released pages back, checkpoints
     * (which gives them back) and tries once more.
     */
    long allocate(Owner owner, int order) throws OutOfSpaceException {
        try {
            return pg.alloc(owner, order);
        } catch (OutOfSpaceException e) {
            if (journal.heldReleasesCount() == 0) {
                throw e;
            }
            journal.checkpoint();
            return pg.alloc(owner, order);
        }
    }

    /** Gives back the inode table's wholly free last chunks ({@link InodeTable#shrink}). */
    void shrinkInodeTable() {
        table.shrink(journal, (page, order) -> journal.releaseWhenUnlogged(page, 1L << order, () -> freeQuietly(meta, page, order)));
    }

    void freeQuietly(Owner owner, long page, int order) {
        try {
            pg.free(owner, page, order);
        } catch (InvalidBlockException e) {
            // A block we reference but nvmpg does not record: corruption, not a reason to fail the caller.
            corrupt(new CorruptFsException("block " + page + " order " + order, e.getMessage()));
        }
    }

    /** Frees and partial releases queued while building a transaction, run once it is committed. */
    static final class AfterCommit {
        /** Pages {@code [from, from+count)} of a block go back; {@code from < 0} means the whole block. */
        private record Release(Owner owner, long page, int order, long from, long count) {
            void apply(FsCore fs) {
                if (from < 0) {
                    fs.freeQuietly(owner, page, order);
                    return;
                }
                try {
                    fs.pg.release(owner, page, order, from, count);
                } catch (NvmpgException e) {
                    fs.corrupt(new CorruptFsException("block " + page + " order " + order, e.getMessage()));
                }
            }
        }

        private final List<Release> releases = new ArrayList<>();

        void free(Owner owner, long page, int order) {
            releases.add(new Release(owner, page, order, -1, 0));
        }

        /** Release pages {@code [from, from+count)} of the block, keeping the rest. */
        void release(Owner owner, long page, int order, long from, long count) {
            releases.add(new Release(owner, page, order, from, count));
        }

        /**
         * Gives the pages back, each release held back by the journal while a live record still
         * writes one of its pages (the freed-then-reused page must never be replayed over).
         */
        void run(FsCore fs) {
            for (Release r : releases) {
                long first = r.from() < 0 ? r.page() : r.from();
                long count = r.from() < 0 ? 1L << r.order() : r.count();
                fs.journal.releaseWhenUnlogged(first, count, () -> r.apply(fs));
            }
            releases.clear();
        }
    }

    /** Kept pieces of a block when pages {@code [from, from+count)} go, as nvmpg's release will keep them. */
    static List<Block> keptAfterRelease(long page, int order, long from, long count) {
        List<Block> kept = new ArrayList<>(io.nvmfs.nvmpg.AlignedBlocks.of(page, from));
        kept.addAll(io.nvmfs.nvmpg.AlignedBlocks.of(from + count, page + (1L << order)));
        return kept;
    }
}
