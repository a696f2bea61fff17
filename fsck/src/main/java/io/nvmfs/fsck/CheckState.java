package io.nvmfs.fsck;

import io.nvmfs.nvmpg.Media;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What the passes learn about one namespace and hand to the passes after them. Every array is
 * sized by something already validated (the mapping, the namespace superblock, the inode-table
 * chunks that passed their checks), never by a field fsck has not checked.
 */
final class CheckState {
    final Media media;
    final MemorySegment seg;
    final MediaWriter writer;
    final Report report;
    final Progress progress;

    // Pass 1
    long totalPages;
    UUID uuid;
    String label;

    // Pass 2: owner slots of the filesystem's owners (-1 = none), and every valid record (Rec).
    int metaSlot = -1;
    int dataSlot = -1;
    int journalSlot = -1;
    final LongList records = new LongList();
    /** Per owner slot, the record pages of its chain that pass 2 kept, head first. */
    final LongList[] chains = new LongList[io.nvmfs.nvmpg.OwnerTableFormat.SLOTS];
    /** Blocks structures claim (Claim); the record pages go in first, in pass 2. */
    final LongList claims = new LongList();

    // Pass 3
    /** Byte offset of the filesystem superblock. */
    long sb = -1;
    long journalPage;
    int journalOrder;
    boolean needNewJournal;
    boolean newJournalAccepted;
    /** Inode-table chunk pages that passed their checks, and the inode numbers they hold. */
    long[] chunkPage = new long[0];
    long inodeCapacity;

    // Pass 4
    /** File type nibble (mode >>> 12) of each inode in use; 0 = free. */
    byte[] type;
    int[] nlink;
    int[] parent;
    /** Directory data pages in logical order, per directory inode. */
    final Map<Integer, long[]> dirPages = new HashMap<>();

    // Pass 5: every live entry (directory inode, target inode, byte offset of the record)
    final IntList entryDir = new IntList();
    final IntList entryIno = new IntList();
    final LongList entryAt = new LongList();
    /** Index (in the entry lists) of the root's lost+found entry, or -1. */
    int lostFound = -1;

    // Pass 6
    int[] refs;
    int[] parentOf;
    final java.util.BitSet released = new java.util.BitSet();

    CheckState(Media media, MediaWriter writer, Report report, Progress progress) {
        java.util.Arrays.setAll(chains, i -> new LongList());
        this.media = media;
        this.seg = media.segment();
        this.writer = writer;
        this.report = report;
        this.progress = progress;
    }

    /** First page past the allocatable space (the backup superblock's). */
    long usableEnd() {
        return totalPages - 1;
    }

    boolean inBuddySpace(long page, int order) {
        long n = 1L << order;
        return page >= 3 && (page & (n - 1)) == 0 && page + n <= usableEnd() && page <= Claim.MAX_PAGE;
    }

    boolean inodeInRange(long ino) {
        return ino >= 1 && ino < inodeCapacity;
    }

    /** Byte offset of the record of {@code ino} (in range). */
    long inodeOffset(long ino) {
        int k = io.nvmfs.core.InodeTable.chunkOf(ino);
        return (chunkPage[k] << 12) + (ino - io.nvmfs.core.InodeTable.chunkStart(k)) * 256L;
    }

    boolean inUse(int ino) {
        return inodeInRange(ino) && type[ino] != 0;
    }
}
