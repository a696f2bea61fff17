package io.nvmfs.nvmpg;

/**
 * DRAM mirror of one on-media record page: which slots are free, and its neighbours in the
 * owner's on-media chain (needed to unlink it with one store to its predecessor).
 * All fields are guarded by the {@link NvmPages} lock.
 */
final class RecordPage {
    /** Page number on the media. */
    final long page;
    /** Owner slot whose chain holds this page. */
    final int owner;
    /** Index in {@link RecordPages}; part of every slot reference into this page. */
    final int ordinal;
    /** Slots that hold a record or are reserved for one being written; 0..SLOTS. */
    int used;
    /** Bit i set = slot i is free. Bits at or above SLOTS are never set. */
    final long[] freeBits = new long[(RecordPageFormat.SLOTS + 63) / 64];
    /** Chain order on the media: chainPrev == null means the owner slot's head word points here. */
    RecordPage chainPrev;
    RecordPage chainNext;
    /** Membership in the owner's list of pages with at least one free slot. */
    RecordPage partialPrev;
    RecordPage partialNext;
    boolean inPartialList;

    RecordPage(long page, int owner, int ordinal) {
        this.page = page;
        this.owner = owner;
        this.ordinal = ordinal;
    }

    void markAllFree() {
        for (int s = 0; s < RecordPageFormat.SLOTS; s++) {
            freeBits[s >>> 6] |= 1L << s;
        }
        used = 0;
    }

    void markUsed(int slot) {
        freeBits[slot >>> 6] &= ~(1L << slot);
        used++;
    }

    void markFree(int slot) {
        freeBits[slot >>> 6] |= 1L << slot;
        used--;
    }

    boolean isFree(int slot) {
        return (freeBits[slot >>> 6] & (1L << slot)) != 0;
    }

    /** Lowest free slot, or -1. */
    int firstFree() {
        for (int w = 0; w < freeBits.length; w++) {
            if (freeBits[w] != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(freeBits[w]);
            }
        }
        return -1;
    }
}
