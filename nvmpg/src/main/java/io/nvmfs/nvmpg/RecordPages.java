package io.nvmfs.nvmpg;

import java.util.Arrays;

/**
 * DRAM bookkeeping of every record page: slot references, free slots, and per-owner lists.
 * Pure bookkeeping, no media access; {@link NvmPages} does the stores and persists in the
 * order FORMAT.md gives, and calls these methods under its lock.
 *
 * <p>A slot reference is {@code ordinal << 9 | slot}: 4 bytes per allocation in the index,
 * instead of the 8-byte address of the slot.
 */
final class RecordPages {
    static final int SLOT_BITS = 9;
    static final int NONE = -1;

    /** byOrdinal[i] is the page with ordinal i, or null if the ordinal is free. */
    private RecordPage[] byOrdinal = new RecordPage[16];
    /** Ordinals below this have been handed out at least once. */
    private int highWater;
    /** Stack of freed ordinals for reuse, so ordinals (and slot references) stay dense. */
    private int[] freeOrdinals = new int[16];
    private int freeOrdinalCount;
    private int pageCount;

    static int ref(RecordPage rp, int slot) {
        return (rp.ordinal << SLOT_BITS) | slot;
    }

    static int slotOf(int ref) {
        return ref & ((1 << SLOT_BITS) - 1);
    }

    RecordPage pageOf(int ref) {
        return byOrdinal[ref >>> SLOT_BITS];
    }

    int count() {
        return pageCount;
    }

    /** Registers a page at the head of {@code o}'s chain with every slot free. */
    RecordPage addAtHead(OwnerState o, long page) {
        RecordPage rp = new RecordPage(page, o.owner.slot(), newOrdinal());
        byOrdinal[rp.ordinal] = rp;
        pageCount++;
        rp.markAllFree();
        rp.chainNext = o.chainHead;
        if (o.chainHead != null) {
            o.chainHead.chainPrev = rp;
        }
        o.chainHead = rp;
        addToPartial(o, rp);
        o.emptyPages++;
        return rp;
    }

    /** Registers a page found at attach, appended after {@code tail} (null = first) in chain order. */
    RecordPage addScanned(OwnerState o, long page, RecordPage tail) {
        RecordPage rp = new RecordPage(page, o.owner.slot(), newOrdinal());
        byOrdinal[rp.ordinal] = rp;
        pageCount++;
        rp.markAllFree();
        rp.chainPrev = tail;
        if (tail == null) {
            o.chainHead = rp;
        } else {
            tail.chainNext = rp;
        }
        return rp;
    }

    /** After attach has marked the used slots of a scanned page: list it where it belongs. */
    void settleScanned(OwnerState o, RecordPage rp) {
        if (rp.used < RecordPageFormat.SLOTS) {
            addToPartial(o, rp);
        }
        if (rp.used == 0) {
            o.emptyPages++;
        }
    }

    /** Reserves a free slot of {@code o}; NONE when every page is full. */
    int reserve(OwnerState o) {
        RecordPage rp = o.partialHead;
        if (rp == null) {
            return NONE;
        }
        int slot = rp.firstFree();
        if (rp.used == 0) {
            o.emptyPages--;
        }
        rp.markUsed(slot);
        if (rp.used == RecordPageFormat.SLOTS) {
            removeFromPartial(o, rp);
        }
        return ref(rp, slot);
    }

    /**
     * Returns a slot whose zero store has been persisted. Returns the page if it became empty
     * and is not needed as the owner's one spare: the caller unlinks it on the media, then
     * calls {@link #remove}.
     */
    RecordPage release(OwnerState o, int ref) {
        RecordPage rp = pageOf(ref);
        rp.markFree(slotOf(ref));
        if (!rp.inPartialList) {
            addToPartial(o, rp);
        }
        if (rp.used == 0) {
            o.emptyPages++;
            if (o.emptyPages > 1) {
                return rp;
            }
        }
        return null;
    }

    /** Forgets an empty page after its unlink has been persisted. */
    void remove(OwnerState o, RecordPage rp) {
        if (rp.used != 0) {
            throw new IllegalStateException("record page " + Pages.hex(rp.page) + " still holds " + rp.used + " records");
        }
        if (rp.inPartialList) {
            removeFromPartial(o, rp);
        }
        if (rp.chainPrev == null) {
            o.chainHead = rp.chainNext;
        } else {
            rp.chainPrev.chainNext = rp.chainNext;
        }
        if (rp.chainNext != null) {
            rp.chainNext.chainPrev = rp.chainPrev;
        }
        o.emptyPages--;
        byOrdinal[rp.ordinal] = null;
        pageCount--;
        if (freeOrdinalCount == freeOrdinals.length) {
            freeOrdinals = Arrays.copyOf(freeOrdinals, freeOrdinals.length * 2);
        }
        freeOrdinals[freeOrdinalCount++] = rp.ordinal;
    }

    long dramBytes() {
        long perPage = 16 + 8 + 4 + 4 + 4 + (16 + 8L * 8) + 4 * 8 + 1;
        return 16L + 8L * byOrdinal.length + 4L * freeOrdinals.length + perPage * pageCount;
    }

    private int newOrdinal() {
        if (freeOrdinalCount > 0) {
            return freeOrdinals[--freeOrdinalCount];
        }
        if (highWater >= (1 << (31 - SLOT_BITS))) {
            throw new IllegalStateException("more than " + (1 << (31 - SLOT_BITS)) + " record pages");
        }
        if (highWater == byOrdinal.length) {
            byOrdinal = Arrays.copyOf(byOrdinal, byOrdinal.length * 2);
        }
        return highWater++;
    }

    private static void addToPartial(OwnerState o, RecordPage rp) {
        rp.partialPrev = null;
        rp.partialNext = o.partialHead;
        if (o.partialHead != null) {
            o.partialHead.partialPrev = rp;
        }
        o.partialHead = rp;
        rp.inPartialList = true;
    }

    private static void removeFromPartial(OwnerState o, RecordPage rp) {
        if (rp.partialPrev == null) {
            o.partialHead = rp.partialNext;
        } else {
            rp.partialPrev.partialNext = rp.partialNext;
        }
        if (rp.partialNext != null) {
            rp.partialNext.partialPrev = rp.partialPrev;
        }
        rp.partialPrev = null;
        rp.partialNext = null;
        rp.inPartialList = false;
    }
}
