package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;

/**
 * On-media record page, version 1: one 4 KiB page of an owner's record chain.
 *
 * <pre>
 * off  size  field
 *   0     4  magic   "NVRP"
 *   4     2  owner   owner slot index this page belongs to
 *   6     2  reserved 0
 *   8     8  self    this page's own page number (catches misdirected links)
 *  16     4  crc32c  CRC32C of bytes 0..15
 *  20     4  reserved 0
 *  24     8  next    link word ({@link LinkWord}, holder = this page) to the next record page; 0 = end
 *  32    32  reserved 0
 *  64  4032  504 record slots, 8 bytes each (see {@link RecordWord}); 0 = empty slot
 * </pre>
 *
 * The header above {@code next} never changes after the page is linked; {@code next} changes
 * by one aligned store when the following page is unlinked. A page is allocated exactly when
 * it is linked into some owner's chain: chain membership is the record of a record page.
 */
public final class RecordPageFormat {
    public static final int MAGIC = 0x5052564e; // "NVRP"
    public static final int HEADER_SIZE = 64;
    public static final int SLOTS = (Pages.SIZE - HEADER_SIZE) / 8;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_OWNER = 4;
    public static final int OFF_SELF = 8;
    public static final int OFF_CRC = 16;
    public static final int OFF_NEXT = 24;

    private RecordPageFormat() {}

    /** Initialises a fresh page (all slots empty). Does not persist. */
    public static void init(Media media, long page, int ownerSlot, long next) {
        long off = Pages.toBytes(page);
        MemorySegment s = media.segment();
        media.zero(off, Pages.SIZE);
        s.set(Media.INT, off + OFF_MAGIC, MAGIC);
        s.set(Media.SHORT, off + OFF_OWNER, (short) ownerSlot);
        s.set(Media.LONG, off + OFF_SELF, page);
        s.set(Media.INT, off + OFF_CRC, Crc32c.of(s, off, OFF_CRC));
        s.set(Media.LONG, off + OFF_NEXT, LinkWord.encode(next, page));
    }

    /** Null when the header is valid for a page of {@code ownerSlot} at {@code page}, else what is wrong. */
    public static String headerProblem(Media media, long page, int ownerSlot) {
        long off = Pages.toBytes(page);
        MemorySegment s = media.segment();
        if (s.get(Media.INT, off + OFF_MAGIC) != MAGIC) {
            return "bad magic";
        }
        if (s.get(Media.INT, off + OFF_CRC) != Crc32c.of(s, off, OFF_CRC)) {
            return "header checksum mismatch";
        }
        if (s.get(Media.LONG, off + OFF_SELF) != page) {
            return "header names page " + Pages.hex(s.get(Media.LONG, off + OFF_SELF)) + " (misdirected link)";
        }
        int owner = Short.toUnsignedInt(s.get(Media.SHORT, off + OFF_OWNER));
        if (owner != ownerSlot) {
            return "belongs to owner slot " + owner + ", found in the chain of slot " + ownerSlot;
        }
        return null;
    }

    public static long nextOffset(long page) {
        return Pages.toBytes(page) + OFF_NEXT;
    }

    public static long slotOffset(long page, int slot) {
        return Pages.toBytes(page) + HEADER_SIZE + 8L * slot;
    }
}
