package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.OutOfSpaceException;
import io.nvmfs.nvmpg.Owner;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The inode table: where inode {@code ino}'s record lives, and which inode numbers are free.
 *
 * <p>Chunk k holds inodes {@code [start(k), start(k) + 16 << min(k, 8))} in one nvmpg block of
 * order {@code min(k, 8)} (see {@link FsSuperblockFormat}). Inode 0 is never used; 1 is the root.
 * Which numbers are free lives only in DRAM ({@link #free}), rebuilt at attach from the mode
 * field of every record. Growing the table is its own journaled transaction, and so is giving back
 * its last chunk once no inode lives there ({@link #shrink}). Guarded by {@link #lock}.
 */
public final class InodeTable {
    public static final long ROOT = 1;
    private static final int FULL_SHIFT = 8;
    private static final long SMALL_CHUNK_INODES = 16L * ((1L << FULL_SHIFT) - 1);

    private final Media media;
    private final long superblock;
    private final ReentrantLock lock = new ReentrantLock();
    /** chunkPage[k]: first page of chunk k; chunks 0..chunks-1 exist. Guarded by lock. */
    private final long[] chunkPage = new long[FsSuperblockFormat.MAX_CHUNKS];
    private int chunks;
    /** Bit i set = inode number i is free. Covers every number of every existing chunk. Guarded by lock. */
    private long[] free = new long[1];
    private long freeCount;
    private long searchFrom = ROOT + 1;

    InodeTable(Media media, long superblock) {
        this.media = media;
        this.superblock = superblock;
    }

    public static long chunkStart(int k) {
        return k <= FULL_SHIFT ? 16L * ((1L << k) - 1) : SMALL_CHUNK_INODES + 4096L * (k - FULL_SHIFT);
    }

    public static int chunkOrder(int k) {
        return Math.min(k, FULL_SHIFT);
    }

    public static long chunkInodes(int k) {
        return 16L << chunkOrder(k);
    }

    public static int chunkOf(long ino) {
        if (ino < SMALL_CHUNK_INODES) {
            return 63 - Long.numberOfLeadingZeros(ino / 16 + 1);
        }
        return (int) (FULL_SHIFT + (ino - SMALL_CHUNK_INODES) / 4096);
    }

    /** Reads the chunk pointers and every record's mode; validates what it reads. */
    void load() throws CorruptFsException {
        long nsPages = media.pages();
        for (int k = 0; k < FsSuperblockFormat.MAX_CHUNKS; k++) {
            long page = media.segment().get(Le.LONG, FsSuperblockFormat.chunkSlot(superblock, k));
            if (page == 0) {
                break;
            }
            long pages = 1L << chunkOrder(k);
            if ((page & (pages - 1)) != 0 || page + pages > nsPages) {
                throw new CorruptFsException("inode table chunk " + k, "page " + page + " invalid for order " + chunkOrder(k));
            }
            chunkPage[k] = page;
            chunks = k + 1;
        }
        if (chunks == 0) {
            throw new CorruptFsException("inode table", "no chunk (the root inode has nowhere to live)");
        }
        long capacity = chunkStart(chunks);
        free = new long[(int) ((capacity + 63) / 64)];
        for (long ino = 1; ino < capacity; ino++) {
            if (media.segment().get(Le.INT, offsetOf(ino) + InodeFormat.OFF_MODE) == 0) {
                setFree(ino);
            }
        }
    }

    /** Byte offset of the record of {@code ino}, or -1 if no chunk holds it. */
    long offsetOf(long ino) {
        if (ino <= 0) {
            return -1;
        }
        int k = chunkOf(ino);
        if (k >= chunks) {
            return -1;
        }
        return (chunkPage[k] << 12) + (ino - chunkStart(k)) * InodeFormat.SIZE;
    }

    boolean exists(long ino) {
        long off = offsetOf(ino);
        return off >= 0 && media.segment().get(Le.INT, off + InodeFormat.OFF_MODE) != 0;
    }

    /** Decodes inode {@code ino}; ENOENT if it is free or out of range. */
    Inode read(long ino) throws FsException, CorruptFsException {
        long off = offsetOf(ino);
        if (off < 0 || media.segment().get(Le.INT, off + InodeFormat.OFF_MODE) == 0) {
            throw new FsException(Errno.ENOENT, "inode " + ino + " does not exist");
        }
        return InodeCodec.decode(media.segment(), off, ino, media.pages());
    }

    /** Adds the record of {@code n} to {@code tx}. */
    void write(Transaction tx, Inode n) {
        tx.write(offsetOf(n.ino), InodeCodec.encode(n));
    }

    /** Adds a zeroed (free) record for {@code ino} to {@code tx}. */
    void clear(Transaction tx, long ino) {
        tx.write(offsetOf(ino), new byte[InodeFormat.SIZE]);
    }

    /**
     * Reserves a free inode number, growing the table (its own committed transaction) when none is
     * left. The caller writes the record in its transaction, or calls {@link #unreserve}.
     */
    long reserve(NvmPages pg, Owner meta, Journal journal) throws FsException {
        lock.lock();
        try {
            if (freeCount == 0) {
                grow(pg, meta, journal);
            }
            long ino = nextFree(searchFrom);
            if (ino < 0) {
                ino = nextFree(ROOT);
            }
            clearFree(ino);
            searchFrom = ino + 1;
            return ino;
        } finally {
            lock.unlock();
        }
    }

    /** Returns a number reserved but never written, or one whose zeroed record has been committed. */
    void unreserve(long ino) {
        lock.lock();
        try {
            setFree(ino);
            searchFrom = Math.min(searchFrom, ino);
        } finally {
            lock.unlock();
        }
    }

    long capacity() {
        lock.lock();
        try {
            return chunkStart(chunks);
        } finally {
            lock.unlock();
        }
    }

    long freeCount() {
        lock.lock();
        try {
            return freeCount;
        } finally {
            lock.unlock();
        }
    }

    /** Inode numbers that could ever exist. */
    public static long maxInodes() {
        return chunkStart(FsSuperblockFormat.MAX_CHUNKS);
    }

    int chunks() {
        lock.lock();
        try {
            return chunks;
        } finally {
            lock.unlock();
        }
    }

    long chunkPage(int k) {
        return chunkPage[k];
    }

    /** Gives a removed chunk's block back to the free pool (held back while live records write it). */
    @FunctionalInterface
    interface ChunkRelease {
        void release(long page, int order);
    }

    /**
     * Gives back the last chunk while no inode lives in it and the chunk before it is at least half
     * free, then looks at the new last chunk the same way; chunk 0 (the root's) stays.
     *
     * <p>Only the last chunk can go: an inode's number is its position, so a free chunk below a used
     * one is kept (FORMAT.md, "Inode table", states the bound). The half-free rule is hysteresis: a
     * workload creating and removing one file at a chunk boundary must not allocate and free a chunk
     * each time, and a chunk removed here is grown again only after the one before it has filled.
     *
     * <p>Each removal is one committed transaction (chunk slot = 0) made under the lock, so no
     * {@link #reserve} hands out a number of a chunk being removed; the block is released after the
     * commit, through {@code release}, which must hold it back while a live journal record writes
     * one of its pages (the zeroed records of the inodes just freed are such records). A crash
     * between the commit and the release leaves the block unreferenced: the next attach's leak scan
     * returns it. A failed commit (read-only, journal full) keeps the chunk; nothing is lost.
     */
    void shrink(Journal journal, ChunkRelease release) {
        lock.lock();
        try {
            while (chunks > 1 && freeIn(chunks - 1) == chunkInodes(chunks - 1)
                    && 2 * freeIn(chunks - 2) >= chunkInodes(chunks - 2)) {
                int k = chunks - 1;
                long page = chunkPage[k];
                try {
                    journal.commit(new Transaction().putLong(FsSuperblockFormat.chunkSlot(superblock, k), 0));
                } catch (FsException e) {
                    return;
                }
                for (long ino = chunkStart(k); ino < chunkStart(k + 1); ino++) {
                    clearFree(ino);
                }
                chunkPage[k] = 0;
                chunks = k;
                release.release(page, chunkOrder(k));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Free numbers in chunk k (inode 0, never used, counts as used): a popcount of its words. */
    private long freeIn(int k) {
        long from = chunkStart(k);
        long to = chunkStart(k + 1);
        long n = 0;
        for (long w = from >>> 6; w <= (to - 1) >>> 6; w++) {
            long bits = free[(int) w];
            long first = w << 6;
            if (from > first) {
                bits &= -1L << (from - first);
            }
            if (to < first + 64) {
                bits &= (1L << (to - first)) - 1;
            }
            n += Long.bitCount(bits);
        }
        return n;
    }

    private void grow(NvmPages pg, Owner meta, Journal journal) throws FsException {
        int k = chunks;
        if (k >= FsSuperblockFormat.MAX_CHUNKS) {
            throw new FsException(Errno.ENOSPC, "inode table full (" + chunkStart(k) + " inodes)");
        }
        long page;
        try {
            page = pg.alloc(meta, chunkOrder(k));
        } catch (OutOfSpaceException e) {
            throw new FsException(Errno.ENOSPC, "no space for " + chunkInodes(k) + " more inodes: " + e.getMessage());
        }
        long bytes = (1L << chunkOrder(k)) << 12;
        media.segment().asSlice(page << 12, bytes).fill((byte) 0);
        media.persist(page << 12, bytes);
        try {
            journal.commit(new Transaction().putLong(FsSuperblockFormat.chunkSlot(superblock, k), page));
        } catch (FsException e) {
            try {
                pg.free(meta, page, chunkOrder(k));
            } catch (NvmpgException ignored) {
                // left for the leak scan of the next unclean attach
            }
            throw e;
        }
        chunkPage[k] = page;
        chunks = k + 1;
        long capacity = chunkStart(chunks);
        free = Arrays.copyOf(free, (int) ((capacity + 63) / 64));
        for (long ino = chunkStart(k); ino < capacity; ino++) {
            setFree(ino);
        }
        if (k == 0) {
            clearFree(0);
        }
    }

    private long nextFree(long from) {
        for (int w = (int) (from >>> 6); w < free.length; w++) {
            long bits = free[w];
            if (w == (int) (from >>> 6)) {
                bits &= -1L << (from & 63);
            }
            if (bits != 0) {
                return ((long) w << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        return -1;
    }

    private void setFree(long ino) {
        if ((free[(int) (ino >>> 6)] & (1L << ino)) == 0) {
            free[(int) (ino >>> 6)] |= 1L << ino;
            freeCount++;
        }
    }

    private void clearFree(long ino) {
        if ((free[(int) (ino >>> 6)] & (1L << ino)) != 0) {
            free[(int) (ino >>> 6)] &= ~(1L << ino);
            freeCount--;
        }
    }
}
