package io.nvmfs.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The extended-attribute block: every attribute of one inode in one nvmpg block of the metadata
 * owner, never changed in place (a change writes and persists a new block, one journaled inode
 * record switches to it, the old block is freed after that commit). The inode's {@code xattr}
 * field names the block as an extent names its block: page in bits 0..39, order in bits 40..45.
 *
 * <pre>
 * off  size  field
 *   0     4  magic    "XAT2" (version 2, order 0..8) or "XATR" (version 1, order 0 only)
 *   4     4  count    entries, at least 1 (no attributes = no block)
 *   8     4  used     bytes of entries after the header: exactly the sum of the padded entries
 *  12     4  crc32c   CRC32C of bytes 0..11 and of the used entry bytes
 *  16   ...  entries, each padded with zeros to a multiple of 4 bytes:
 *              v2  [name_len u8][0 u8][0 u16][value_len u32][name][value]
 *              v1  [name_len u8][0 u8][value_len u16][name][value]
 * </pre>
 *
 * Version 2 (written when the superblock has feature {@code XATTR_BLOCKS}, always by this code):
 * a block of 1..256 pages, the smallest that holds header and entries; values of 0..65536 bytes
 * (Linux's XATTR_SIZE_MAX), so the entries of one inode take at most 256 × 4096 − 16 bytes.
 * Version 1 (older code): one page, value_len a u16; still read, never written. Names are
 * 1..255 bytes, no NUL; bytes of the block past the used entries are undefined (not written).
 */
public final class XattrBlockFormat {
    public static final int MAGIC_V1 = 0x52544158; // "XATR"
    public static final int MAGIC_V2 = 0x32544158; // "XAT2"
    public static final int OFF_MAGIC = 0;
    public static final int OFF_COUNT = 4;
    public static final int OFF_USED = 8;
    public static final int OFF_CRC = 12;
    public static final int HEADER = 16;
    /** Bytes before an entry's name: v1 4, v2 8. */
    public static final int V1_ENTRY_HEADER = 4;
    public static final int V2_ENTRY_HEADER = 8;
    /** Largest block: 2^8 = 256 pages (1 MiB). */
    public static final int MAX_ORDER = 8;
    public static final int MAX_NAME = 255;
    /** Linux's XATTR_SIZE_MAX; a larger value is E2BIG. */
    public static final int MAX_VALUE = 65536;
    /** Entry bytes of the largest block. */
    public static final int MAX_USED = (4096 << MAX_ORDER) - HEADER;

    private XattrBlockFormat() {}

    /**
     * Null if {@code ref}, a non-zero xattr field, is well formed: nothing above bit 45, order
     * 0..8, a page other than 0 aligned to its order (as nvmpg places a block); else what is
     * wrong. Whether the block lies inside the namespace is the caller's check.
     */
    public static String referenceProblem(long ref) {
        long page = InodeFormat.physicalPage(ref);
        int order = InodeFormat.physicalOrder(ref);
        if ((ref >>> 46) != 0 || order > MAX_ORDER || page == 0 || (page & ((1L << order) - 1)) != 0) {
            return "invalid block reference 0x" + Long.toHexString(ref) + " (page " + page + ", order " + order + ")";
        }
        return null;
    }

    /** Bytes a v2 entry takes, padding included. */
    public static int entrySize(int nameLength, int valueLength) {
        return (V2_ENTRY_HEADER + nameLength + valueLength + 3) & ~3;
    }

    /** The smallest order whose block holds the header and {@code used} entry bytes (at most {@link #MAX_USED}). */
    public static int orderFor(long used) {
        if (used < 0 || used > MAX_USED) {
            throw new IllegalArgumentException("xattr entries of " + used + " bytes do not fit a block");
        }
        long pages = (HEADER + used + 4095) >>> 12;
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    public static int crc(MemorySegment s, long at, int used) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(s.asSlice(at, OFF_CRC).asByteBuffer());
        c.update(s.asSlice(at + HEADER, used).asByteBuffer());
        return (int) c.getValue();
    }

    /** Bytes before the name of an entry of a block with {@code magic}. */
    public static int entryHeader(int magic) {
        return magic == MAGIC_V1 ? V1_ENTRY_HEADER : V2_ENTRY_HEADER;
    }

    public static int nameLength(MemorySegment s, long entry) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, entry));
    }

    /** The entry's value length; for v2 a u32, so a negative answer is a damaged one. */
    public static int valueLength(MemorySegment s, long entry, int magic) {
        return magic == MAGIC_V1 ? Short.toUnsignedInt(s.get(Le.SHORT, entry + 2)) : s.get(Le.INT, entry + 4);
    }

    /** Offset of the entry after {@code entry} (of a validated block). */
    public static long next(MemorySegment s, long entry, int magic) {
        return entry + ((entryHeader(magic) + nameLength(s, entry) + valueLength(s, entry, magic) + 3) & ~3);
    }

    /** Writes a v2 entry at {@code entry} with its padding; returns the offset after it. Does not persist. */
    public static long writeEntry(MemorySegment s, long entry, byte[] name, byte[] value) {
        int size = entrySize(name.length, value.length);
        s.asSlice(entry, size).fill((byte) 0);
        s.set(ValueLayout.JAVA_BYTE, entry, (byte) name.length);
        s.set(Le.INT, entry + 4, value.length);
        MemorySegment.copy(name, 0, s, ValueLayout.JAVA_BYTE, entry + V2_ENTRY_HEADER, name.length);
        MemorySegment.copy(value, 0, s, ValueLayout.JAVA_BYTE, entry + V2_ENTRY_HEADER + name.length, value.length);
        return entry + size;
    }

    /** Writes the v2 header over entries already written at {@code at + HEADER}. Does not persist. */
    public static void writeHeader(MemorySegment s, long at, int count, int used) {
        s.set(Le.INT, at + OFF_MAGIC, MAGIC_V2);
        s.set(Le.INT, at + OFF_COUNT, count);
        s.set(Le.INT, at + OFF_USED, used);
        s.set(Le.INT, at + OFF_CRC, crc(s, at, used));
    }

    /**
     * Null if the block of {@code order} at byte offset {@code at} is a valid version 1 or 2 block,
     * else what is wrong. Shared by fs-core's reader and fsck, so both accept the same blocks.
     * Every entry is checked to lie inside {@code used}, so a reader of a valid block never
     * looks outside it.
     */
    public static String problem(MemorySegment s, long at, int order) {
        int magic = s.get(Le.INT, at + OFF_MAGIC);
        if (magic != MAGIC_V2 && !(magic == MAGIC_V1 && order == 0)) {
            return magic == MAGIC_V1 ? "version 1 page in a block of order " + order : "bad magic";
        }
        int count = s.get(Le.INT, at + OFF_COUNT);
        int used = s.get(Le.INT, at + OFF_USED);
        int header = entryHeader(magic);
        if (used <= 0 || used > (4096L << order) - HEADER || (used & 3) != 0 || count < 1 || count > used / (header + 1)) {
            return "bad header (count " + count + ", used " + used + ")";
        }
        if (s.get(Le.INT, at + OFF_CRC) != crc(s, at, used)) {
            return "checksum mismatch";
        }
        long e = at + HEADER;
        long end = e + used;
        for (int i = 0; i < count; i++) {
            if (end - e < header) {
                return "entry " + i + " runs past the used bytes";
            }
            int nameLength = nameLength(s, e);
            int valueLength = valueLength(s, e, magic);
            boolean reservedZero = s.get(ValueLayout.JAVA_BYTE, e + 1) == 0 && (magic == MAGIC_V1 || s.get(Le.SHORT, e + 2) == 0);
            if (nameLength == 0 || !reservedZero || valueLength < 0 || valueLength > MAX_VALUE) {
                return "entry " + i + " has a bad header (name " + nameLength + ", value " + valueLength + " bytes)";
            }
            if ((long) header + nameLength + valueLength > end - e) {
                return "entry " + i + " runs past the used bytes";
            }
            e = next(s, e, magic);
        }
        if (e != end) {
            return count + " entries take " + (e - at - HEADER) + " bytes, used says " + used;
        }
        return null;
    }
}
