package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;

/**
 * The metadata journal: a circular physical redo log in one contiguous nvmpg block
 * ({@link JournalFormat}).
 *
 * <h2>Contract</h2>
 * {@link #commit} writes the transaction as one record, persists it, and only then copies its
 * writes to their home locations. The commit point is the persist that makes the whole record
 * durable: replay applies a record only if its CRC and sequence number check out, so a record
 * is either replayed whole or not at all. Home locations are not persisted by commit; the
 * pages they dirty are remembered and persisted by {@link #checkpoint}, which then moves the
 * tail past everything applied. Replay at {@link #open} is idempotent (physical writes).
 *
 * <h2>Concurrency</h2>
 * Callers serialise transactions that touch the same bytes (they hold the locks of the objects
 * they change from building the transaction until commit returns), so applying in commit order
 * per object is guaranteed by them. Inside: {@code gate} (read side held from reserving log space
 * until the writes are applied; write side by checkpoint, which therefore sees every committed
 * record applied) → {@code appendLock} (reserving and copying a record: short) → {@code persistLock}
 * (group commit: whoever holds it persists everything written so far, so transactions committed
 * by many threads at once share one persist). Always taken in that order.
 *
 * <h2>Freed pages</h2>
 * Invariant: <em>no page the allocator can hand out is written by a record in the live log</em>
 * (tail to head). Replay copies every live record to its home pages; if one of them had been
 * freed and reused (a removed directory's page now holding a file's fsync'd data, an xattr page,
 * an extent page), replay would overwrite the new contents with the old metadata. So a release
 * whose pages a live record wrote is held back ({@link #releaseWhenUnlogged}) until the next
 * checkpoint has persisted those pages and moved the tail past every such record; a crash before
 * that leaves the pages recorded and unreferenced, which the next attach's leak scan frees.
 * {@code dirtyPages} is exactly the set of pages the live records write: commit adds the pages of
 * each record it applies, and checkpoint empties it as it moves the tail to the head.
 */
final class Journal {
    private final Media media;
    /** Byte offset of the journal block; the log area starts one page later. */
    private final long base;
    private final long logBase;
    private final long logBytes;

    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object persistLock = new Object();

    /** Stream positions: bytes ever appended, so log offset = position % logBytes. Guarded by appendLock. */
    private long headPos;
    /** Position of the oldest record still needed. Changed only under the gate's write lock. */
    private long tailPos;
    /** Seq of the next record. Guarded by appendLock. */
    private long nextSeq;
    /** Every byte before this position is written (not necessarily persisted). */
    private volatile long writtenPos;
    /** Every byte before this position is persisted. Guarded by persistLock. */
    private long durablePos;
    /** Of the current header slot. Guarded by the gate's write lock. */
    private long headerSeq;
    private int currentSlot;
    /** Pages dirtied by applied writes and not yet persisted. */
    private final Set<Long> dirtyPages = ConcurrentHashMap.newKeySet();
    /** Releases held back until the next checkpoint (see the class comment). Guarded by itself. */
    private final java.util.List<Runnable> heldReleases = new java.util.ArrayList<>();
    private final int replayed;

    private Journal(Media media, long base, long size, JournalHeader header, long startPos, long nextSeq, int replayed) {
        this.media = media;
        this.base = base;
        this.logBase = base + 4096;
        this.logBytes = size - 4096;
        this.headerSeq = header.headerSeq();
        this.currentSlot = header.slot();
        this.headPos = startPos;
        this.tailPos = startPos;
        this.writtenPos = startPos;
        this.durablePos = startPos;
        this.nextSeq = nextSeq;
        this.replayed = replayed;
    }

    /** Writes an empty journal (header slot A valid, slot B zero) into the block at {@code base}. */
    static void format(Media media, long base, long size) {
        long firstSeq = firstUnusedSeq(media.segment(), base + 4096, size - 4096);
        media.segment().asSlice(base, 4096).fill((byte) 0);
        JournalHeader.write(media, base, JournalFormat.SLOT_A, new JournalHeader(JournalFormat.SLOT_A, 1, 0, firstSeq, size - 4096));
        media.persist(base, 4096);
    }

    /**
     * One past the largest seq of any intact record (right magic, sane length, CRC) left in the
     * log area, at least 1. An empty journal starts there: replay accepts only the exact next seq,
     * so the records a filesystem made earlier on the same blocks (mkfs over an old nvmfs, fsck
     * resetting a journal) can never be replayed into the new one. Starting at 1 instead replayed
     * the old filesystem's whole history into a fresh mkfs whenever the journal landed on the same
     * block, as it does on the same namespace. The log is not zeroed instead: that would write
     * (and on a sparse image, allocate) up to 64 MiB at every mkfs.
     */
    static long firstUnusedSeq(MemorySegment s, long logBase, long logBytes) {
        long max = 0;
        for (long off = 0; off + JournalFormat.REC_HEADER <= logBytes; off += 8) {
            long at = logBase + off;
            int magic = s.get(JournalFormat.INT_UNALIGNED, at + JournalFormat.REC_MAGIC);
            if (magic != JournalFormat.TXN_MAGIC && magic != JournalFormat.WRAP_MAGIC) {
                continue;
            }
            int length = s.get(JournalFormat.INT_UNALIGNED, at + JournalFormat.REC_LENGTH);
            if (!Replay.saneLength(length, logBytes - off) || !Replay.crcMatches(s, at, length)) {
                continue;
            }
            max = Math.max(max, s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.REC_SEQ));
        }
        return max + 1;
    }

    /** Reads the header, replays every committed record, persists the result and empties the log. */
    static Journal open(Media media, long base, long size) throws CorruptFsException {
        return open(media, base, size, false, false);
    }

    /**
     * As {@link #open(Media, long, long)} for a read-only attach: a journal with nothing to replay
     * is left exactly as it is (no checkpoint rewrites its header), so that a read-only mount of a
     * clean namespace writes no byte. One that needs replay is replayed and checkpointed, as ext4
     * recovers its journal at a read-only mount.
     */
    static Journal openReadOnly(Media media, long base, long size) throws CorruptFsException {
        return open(media, base, size, false, true);
    }

    static Journal open(Media media, long base, long size, boolean stopAtCorruption) throws CorruptFsException {
        return open(media, base, size, stopAtCorruption, false);
    }

    /**
     * As {@link #open(Media, long, long)}; with {@code stopAtCorruption} a record whose CRC holds but
     * whose writes do not parse ends the replay (everything before it applied) instead of failing it:
     * fsck's repair, which then resets the journal.
     */
    private static Journal open(Media media, long base, long size, boolean stopAtCorruption, boolean readOnly)
            throws CorruptFsException {
        JournalHeader header = JournalHeader.read(media, base, size - 4096);
        Replay replay = new Replay(media, base + 4096, size - 4096, header.tailOffset(), header.tailSeq(), true);
        replay.run();
        if (replay.corruption() != null && !stopAtCorruption) {
            throw replay.corruption();
        }
        Journal j = new Journal(media, base, size, header, replay.endOffset(), replay.nextSeq(), replay.applied());
        j.dirtyPages.addAll(replay.dirtyPages());
        if (!readOnly || replay.applied() > 0) {
            j.forceCheckpoint();
        }
        return j;
    }

    /** Records replayed at open. */
    int replayed() {
        return replayed;
    }

    long capacity() {
        return logBytes;
    }

    long usedBytes() {
        appendLock.lock();
        try {
            return headPos - tailPos;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Commits {@code tx} and applies it. Returns once the record is durable and every write is at
     * its home location. A transaction that could never fit (over half the log) is refused.
     */
    void commit(Transaction tx) throws FsException {
        if (tx.isEmpty()) {
            return;
        }
        long len = JournalFormat.REC_HEADER + (long) tx.encodedSize();
        if (len > logBytes / 2) {
            throw new FsException(Errno.ENOSPC, "metadata transaction of " + len + " bytes exceeds half the journal ("
                    + logBytes + " bytes); format with a larger journal");
        }
        while (true) {
            gate.readLock().lock();
            try {
                long end = append(tx, (int) len);
                if (end >= 0) {
                    persistUpTo(end);
                    tx.applyTo(media, dirtyPages::add);
                    return;
                }
            } finally {
                gate.readLock().unlock();
            }
            checkpoint();
        }
    }

    /**
     * Persists every page that applied writes dirtied, then moves the tail to the head; then runs
     * the releases held back until now, which no live record can write any more.
     */
    void checkpoint() {
        Runnable[] released;
        gate.writeLock().lock();
        try {
            forceCheckpoint();
            synchronized (heldReleases) {
                released = heldReleases.toArray(Runnable[]::new);
                heldReleases.clear();
            }
        } finally {
            gate.writeLock().unlock();
        }
        for (Runnable r : released) {
            r.run();
        }
    }

    /** Checkpoints only if a release is held back: the periodic flush gives freed pages back this way. */
    void checkpointIfHolding() {
        if (heldReleasesCount() > 0) {
            checkpoint();
        }
    }

    /** Releases waiting for the next checkpoint. */
    int heldReleasesCount() {
        synchronized (heldReleases) {
            return heldReleases.size();
        }
    }

    /**
     * Runs {@code release} (which frees pages {@code [first, first + count)}) now if no record in the
     * live log writes any of them, else right after the next checkpoint. Decided under the gate, so a
     * checkpoint is either wholly before the decision (the pages are unlogged) or after it (it runs
     * the held release once its header is durable).
     */
    void releaseWhenUnlogged(long first, long count, Runnable release) {
        gate.readLock().lock();
        try {
            if (logged(first, count)) {
                synchronized (heldReleases) {
                    heldReleases.add(release);
                }
                return;
            }
        } finally {
            gate.readLock().unlock();
        }
        release.run();
    }

    /** Whether a live record writes a page of {@code [first, first + count)}; walks the smaller set. */
    private boolean logged(long first, long count) {
        if (dirtyPages.isEmpty()) {
            return false;
        }
        if (count <= dirtyPages.size()) {
            for (long p = first; p < first + count; p++) {
                if (dirtyPages.contains(p)) {
                    return true;
                }
            }
            return false;
        }
        for (long p : dirtyPages) {
            if (p >= first && p < first + count) {
                return true;
            }
        }
        return false;
    }

    private void forceCheckpoint() {
        long[] pages = dirtyPages.stream().mapToLong(Long::longValue).sorted().toArray();
        for (Long p : pages) {
            dirtyPages.remove(p);
        }
        int i = 0;
        while (i < pages.length) {
            int j = i;
            while (j + 1 < pages.length && pages[j + 1] == pages[j] + 1) {
                j++;
            }
            media.persist(pages[i] << 12, (pages[j] - pages[i] + 1) << 12);
            i = j + 1;
        }
        int slot = currentSlot == JournalFormat.SLOT_A ? JournalFormat.SLOT_B : JournalFormat.SLOT_A;
        headerSeq++;
        JournalHeader.write(media, base, slot, new JournalHeader(slot, headerSeq, headPos % logBytes, nextSeq, logBytes));
        media.persist(base + slot, 64);
        currentSlot = slot;
        tailPos = headPos;
    }

    /** Copies the record into the log; returns its end position, or -1 when the log lacks room. */
    private long append(Transaction tx, int len) {
        appendLock.lock();
        try {
            long off = headPos % logBytes;
            long pad = logBytes - off < len ? logBytes - off : 0;
            if (headPos + pad + len - tailPos > logBytes) {
                return -1;
            }
            MemorySegment log = media.segment();
            if (pad >= JournalFormat.REC_HEADER) {
                writeHeader(logBase + off, JournalFormat.WRAP_MAGIC, 0, nextSeq, JournalFormat.REC_HEADER, null, 0);
            }
            headPos += pad;
            long at = logBase + headPos % logBytes;
            MemorySegment.copy(tx.encoded(), 0, log, ValueLayout.JAVA_BYTE, at + JournalFormat.REC_HEADER, tx.encodedSize());
            writeHeader(at, JournalFormat.TXN_MAGIC, tx.writes(), nextSeq, len, tx.encoded(), tx.encodedSize());
            nextSeq++;
            headPos += len;
            writtenPos = headPos;
            return headPos;
        } finally {
            appendLock.unlock();
        }
    }

    private void writeHeader(long at, int magic, int writes, long seq, int length, byte[] body, int bodyLength) {
        byte[] h = new byte[JournalFormat.REC_HEADER];
        JournalFormat.LE_INT.set(h, JournalFormat.REC_MAGIC, magic);
        JournalFormat.LE_INT.set(h, JournalFormat.REC_WRITES, writes);
        JournalFormat.LE_LONG.set(h, JournalFormat.REC_SEQ, seq);
        JournalFormat.LE_INT.set(h, JournalFormat.REC_LENGTH, length);
        CRC32C crc = new CRC32C();
        crc.update(h, 0, JournalFormat.REC_HEADER);
        if (body != null) {
            crc.update(body, 0, bodyLength);
        }
        JournalFormat.LE_INT.set(h, JournalFormat.REC_CRC, (int) crc.getValue());
        MemorySegment.copy(h, 0, media.segment(), ValueLayout.JAVA_BYTE, at, JournalFormat.REC_HEADER);
    }

    /** Group commit: the first thread in persists everything written so far, for everyone. */
    private void persistUpTo(long end) {
        synchronized (persistLock) {
            if (durablePos >= end) {
                return;
            }
            long target = writtenPos;
            long from = durablePos;
            while (from < target) {
                long off = from % logBytes;
                long n = Math.min(target - from, logBytes - off);
                media.persist(logBase + off, n);
                from += n;
            }
            durablePos = target;
        }
    }

    /**
     * Reads records from the tail and applies each complete one; stops at the first that is not.
     * A record whose CRC holds but whose writes do not parse stops it too, and is kept as
     * {@link #corruption()}: everything before it has been applied.
     */
    static final class Replay {
        private final Media media;
        private final long logBase;
        private final long logBytes;
        private long offset;
        private long seq;
        private int applied;
        private final boolean apply;
        private CorruptFsException corruption;
        private boolean tornTail;
        private final java.util.HashSet<Long> dirty = new java.util.HashSet<>();

        /** {@code apply} false walks the log without changing anything (fsck's inspection). */
        Replay(Media media, long logBase, long logBytes, long offset, long seq, boolean apply) {
            this.apply = apply;
            this.media = media;
            this.logBase = logBase;
            this.logBytes = logBytes;
            this.offset = offset;
            this.seq = seq;
        }

        void run() {
            MemorySegment s = media.segment();
            long scanned = 0;
            while (scanned < logBytes) {
                if (logBytes - offset < JournalFormat.REC_HEADER) {
                    scanned += logBytes - offset;
                    offset = 0;
                    continue;
                }
                long at = logBase + offset;
                int magic = s.get(JournalFormat.INT_UNALIGNED, at + JournalFormat.REC_MAGIC);
                long recSeq = s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.REC_SEQ);
                int length = s.get(JournalFormat.INT_UNALIGNED, at + JournalFormat.REC_LENGTH);
                if (recSeq != seq || !saneLength(length, logBytes - offset)) {
                    tornTail = recSeq == seq && magic == JournalFormat.TXN_MAGIC;
                    return;
                }
                if (!crcMatches(s, at, length)) {
                    tornTail = magic == JournalFormat.TXN_MAGIC;
                    return;
                }
                if (magic == JournalFormat.WRAP_MAGIC) {
                    scanned += logBytes - offset;
                    offset = 0;
                    continue;
                }
                if (magic != JournalFormat.TXN_MAGIC) {
                    return;
                }
                try {
                    checkWrites(s, at, length);
                } catch (CorruptFsException e) {
                    corruption = e;
                    return;
                }
                if (apply) {
                    Transaction.applyEncoded(s, s, at + JournalFormat.REC_HEADER, at + length, dirty::add);
                } else {
                    Transaction.pagesOfEncoded(s, at + JournalFormat.REC_HEADER, at + length, dirty::add);
                }
                applied++;
                seq++;
                offset += length;
                scanned += length;
            }
        }

        /** A record with a good CRC whose writes do not parse was written wrongly: corruption, not a torn tail. */
        private void checkWrites(MemorySegment s, long at, int length) throws CorruptFsException {
            long p = at + JournalFormat.REC_HEADER;
            long end = at + length;
            int n = s.get(JournalFormat.INT_UNALIGNED, at + JournalFormat.REC_WRITES);
            for (int i = 0; i < n; i++) {
                if (end - p < JournalFormat.WRITE_HEADER) {
                    throw new CorruptFsException("journal record seq " + seq, "write " + i + " runs past the record");
                }
                long off = s.get(JournalFormat.LONG_UNALIGNED, p);
                int len = s.get(JournalFormat.INT_UNALIGNED, p + 8);
                if (len <= 0 || off < 0 || off + len > media.size() || p + JournalFormat.WRITE_HEADER + JournalFormat.pad8(len) > end) {
                    throw new CorruptFsException("journal record seq " + seq, "write " + i + " (" + len + " bytes at "
                            + off + ") lies outside the namespace or the record");
                }
                p += JournalFormat.WRITE_HEADER + JournalFormat.pad8(len);
            }
            if (p != end) {
                throw new CorruptFsException("journal record seq " + seq, "writes do not fill the record");
            }
        }

        /** A record length that can be: a header at least, 8-byte aligned, within the {@code room} left. */
        static boolean saneLength(int length, long room) {
            return length >= JournalFormat.REC_HEADER && (length & 7) == 0 && length <= room;
        }

        private static boolean crcMatches(MemorySegment s, long at, int length) {
            byte[] rec = s.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
            int stored = (int) JournalFormat.LE_INT.get(rec, JournalFormat.REC_CRC);
            JournalFormat.LE_INT.set(rec, JournalFormat.REC_CRC, 0);
            CRC32C crc = new CRC32C();
            crc.update(rec, 0, length);
            return (int) crc.getValue() == stored;
        }

        long endOffset() {
            return offset;
        }

        CorruptFsException corruption() {
            return corruption;
        }

        /** True when replay stopped at a transaction of the expected seq that is incomplete. */
        boolean tornTail() {
            return tornTail;
        }

        long nextSeq() {
            return seq;
        }

        int applied() {
            return applied;
        }

        Set<Long> dirtyPages() {
            return dirty;
        }
    }
}
