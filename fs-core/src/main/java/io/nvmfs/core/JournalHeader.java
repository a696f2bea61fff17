package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** One journal header slot ({@link JournalFormat}): which record replay starts at. */
record JournalHeader(int slot, long headerSeq, long tailOffset, long tailSeq, long logBytes) {

    static void write(Media media, long base, int slot, JournalHeader h) {
        MemorySegment s = media.segment();
        long at = base + slot;
        s.asSlice(at, 64).fill((byte) 0);
        s.set(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_MAGIC, JournalFormat.HEADER_MAGIC);
        s.set(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_SEQ, h.headerSeq);
        s.set(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_TAIL_OFFSET, h.tailOffset);
        s.set(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_TAIL_SEQ, h.tailSeq);
        s.set(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_LOG_BYTES, h.logBytes);
        s.set(JournalFormat.INT_UNALIGNED, at + JournalFormat.HDR_CRC, crc(s, at));
    }

    /** The valid slot with the larger header_seq. */
    static JournalHeader read(Media media, long base, long logBytes) throws CorruptFsException {
        JournalHeader a = readSlot(media, base, JournalFormat.SLOT_A, logBytes);
        JournalHeader b = readSlot(media, base, JournalFormat.SLOT_B, logBytes);
        if (a == null && b == null) {
            throw new CorruptFsException("journal header at " + Long.toHexString(base), "neither header slot is valid");
        }
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.headerSeq >= b.headerSeq ? a : b;
    }

    static JournalHeader readSlot(Media media, long base, int slot, long logBytes) {
        MemorySegment s = media.segment();
        long at = base + slot;
        if (s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_MAGIC) != JournalFormat.HEADER_MAGIC
                || s.get(JournalFormat.INT_UNALIGNED, at + JournalFormat.HDR_CRC) != crc(s, at)) {
            return null;
        }
        long tail = s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_TAIL_OFFSET);
        long size = s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_LOG_BYTES);
        if (size != logBytes || tail < 0 || tail >= logBytes || (tail & 7) != 0) {
            return null;
        }
        return new JournalHeader(slot, s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_SEQ), tail,
                s.get(JournalFormat.LONG_UNALIGNED, at + JournalFormat.HDR_TAIL_SEQ), size);
    }

    private static int crc(MemorySegment s, long at) {
        CRC32C c = new CRC32C();
        c.update(s.asSlice(at, JournalFormat.HDR_CRC).asByteBuffer());
        return (int) c.getValue();
    }
}
