package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A set of metadata writes that must reach their home locations all together or not at all.
 * The writes are kept already encoded in the journal's record format ({@link JournalFormat}),
 * so committing is one copy into the log and applying is a walk over the same bytes.
 * Writes are applied in the order they were added; a later write to the same bytes wins.
 * Not thread-safe: one operation builds one transaction.
 */
public final class Transaction {
    /** Encoded writes: [offset u64][length u32][pad u32][data, padded to 8] ... */
    private byte[] buf = new byte[256];
    private int size;
    private int writes;

    /** Records a byte[] write. */
    public Transaction write(long offset, byte[] src) {
        int at = reserveHeader(offset, src.length);
        System.arraycopy(src, 0, buf, at, src.length);
        return this;
    }

    /** Records an aligned 8-byte little-endian store. */
    public Transaction putLong(long offset, long value) {
        int at = reserveHeader(offset, 8);
        JournalFormat.LE_LONG.set(buf, at, value);
        return this;
    }

    public boolean isEmpty() {
        return writes == 0;
    }

    public int writes() {
        return writes;
    }

    /** Encoded size of the writes (the journal adds its record header). */
    int encodedSize() {
        return size;
    }

    byte[] encoded() {
        return buf;
    }

    /** Copies every write to its home location. Returns nothing; the journal tracks what to persist. */
    void applyTo(Media media, java.util.function.LongConsumer dirtyPage) {
        applyEncoded(media.segment(), MemorySegment.ofArray(buf), 0, size, dirtyPage);
    }

    /** Applies encoded writes found at {@code [from, to)} of {@code enc}; shared with replay. */
    static void applyEncoded(MemorySegment home, MemorySegment enc, long from, long to, java.util.function.LongConsumer dirtyPage) {
        long p = from;
        while (p < to) {
            long off = enc.get(JournalFormat.LONG_UNALIGNED, p);
            int len = enc.get(JournalFormat.INT_UNALIGNED, p + 8);
            MemorySegment.copy(enc, p + JournalFormat.WRITE_HEADER, home, off, len);
            for (long page = off >>> 12; page <= (off + len - 1) >>> 12; page++) {
                dirtyPage.accept(page);
            }
            p += JournalFormat.WRITE_HEADER + JournalFormat.pad8(len);
        }
    }

    /** Reports the pages the encoded writes at {@code [from, to)} would change, changing nothing. */
    static void pagesOfEncoded(MemorySegment enc, long from, long to, java.util.function.LongConsumer page) {
        long p = from;
        while (p < to) {
            long off = enc.get(JournalFormat.LONG_UNALIGNED, p);
            int len = enc.get(JournalFormat.INT_UNALIGNED, p + 8);
            for (long pg = off >>> 12; pg <= (off + len - 1) >>> 12; pg++) {
                page.accept(pg);
            }
            p += JournalFormat.WRITE_HEADER + JournalFormat.pad8(len);
        }
    }

    private int reserveHeader(long offset, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("empty write at " + offset);
        }
        int need = JournalFormat.WRITE_HEADER + JournalFormat.pad8(length);
        if (size + need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + need));
        }
        JournalFormat.LE_LONG.set(buf, size, offset);
        JournalFormat.LE_INT.set(buf, size + 8, length);
        JournalFormat.LE_INT.set(buf, size + 12, 0);
        int at = size + JournalFormat.WRITE_HEADER;
        Arrays.fill(buf, at, size + need, (byte) 0);
        size += need;
        writes++;
        return at;
    }
}
