package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * On-media superblock, version 1. Primary copy at page 1, backup at the last page.
 *
 * <pre>
 * off  size  field
 *   0     8  magic            "NVMPG-SB" (ASCII)
 *   8     4  version          1
 *  12     4  incompat         feature bits; attach refuses any it does not know
 *  16     4  ro_compat        feature bits; attach refuses any it does not know (no read-only attach yet)
 *  20     4  compat           feature bits; unknown ones are ignored
 *  24     4  page_size        4096
 *  28     4  max_order        largest block order
 *  32     8  total_pages      pages in the namespace at format
 *  40    16  uuid             namespace UUID (most significant half first, each half little-endian)
 *  56     8  owner_table      page number of the owner table (2)
 *  64     4  owner_slots      slots in the owner table (32)
 *  68     4  reserved         0
 *  72     8  backup_page      page number of the backup superblock (total_pages - 1)
 *  80     8  format_time      milliseconds since the epoch
 *  88    32  label            UTF-8, NUL-padded, at most 31 bytes
 * 120   132  reserved         0
 * 252     4  crc32c           CRC32C of bytes 0..251
 * </pre>
 */
public final class SuperblockFormat {
    public static final long MAGIC = 0x42532d47504d564eL; // "NVMPG-SB" little-endian
    public static final int VERSION = 1;
    public static final int SIZE = 256;
    public static final int LABEL_BYTES = 32;
    public static final int KNOWN_INCOMPAT = 0;
    public static final int KNOWN_RO_COMPAT = 0;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 8;
    public static final int OFF_INCOMPAT = 12;
    public static final int OFF_RO_COMPAT = 16;
    public static final int OFF_COMPAT = 20;
    public static final int OFF_PAGE_SIZE = 24;
    public static final int OFF_MAX_ORDER = 28;
    public static final int OFF_TOTAL_PAGES = 32;
    public static final int OFF_UUID = 40;
    public static final int OFF_OWNER_TABLE = 56;
    public static final int OFF_OWNER_SLOTS = 64;
    public static final int OFF_BACKUP_PAGE = 72;
    public static final int OFF_FORMAT_TIME = 80;
    public static final int OFF_LABEL = 88;
    public static final int OFF_CRC = 252;

    private SuperblockFormat() {}

    /**
     * Writes {@code sb} as the copy at {@code pageOffset} so that a crash at any point leaves the
     * copy either without magic or complete: (1) clear the magic, persist; (2) write every other
     * field and the CRC (computed as if the magic were there), persist; (3) store the magic,
     * persist. Step 3 is the commit of this copy.
     */
    public static void writeDurably(Media media, long pageOffset, Superblock sb) {
        media.putLong(pageOffset + OFF_MAGIC, 0);
        media.persist(pageOffset + OFF_MAGIC, 8);
        writeBody(media, pageOffset, sb);
        media.persist(pageOffset, Pages.SIZE);
        media.putLong(pageOffset + OFF_MAGIC, MAGIC);
        media.persist(pageOffset + OFF_MAGIC, 8);
    }

    /** Writes every field but the magic (left 0), with the CRC the complete copy will have. */
    private static void writeBody(Media media, long pageOffset, Superblock sb) {
        MemorySegment s = media.segment();
        media.zero(pageOffset, Pages.SIZE);
        s.set(Media.LONG, pageOffset + OFF_MAGIC, MAGIC);
        s.set(Media.INT, pageOffset + OFF_VERSION, sb.version());
        s.set(Media.INT, pageOffset + OFF_INCOMPAT, sb.incompatFeatures());
        s.set(Media.INT, pageOffset + OFF_RO_COMPAT, sb.roCompatFeatures());
        s.set(Media.INT, pageOffset + OFF_COMPAT, sb.compatFeatures());
        s.set(Media.INT, pageOffset + OFF_PAGE_SIZE, Pages.SIZE);
        s.set(Media.INT, pageOffset + OFF_MAX_ORDER, sb.maxOrder());
        s.set(Media.LONG, pageOffset + OFF_TOTAL_PAGES, sb.totalPages());
        s.set(Media.LONG, pageOffset + OFF_UUID, sb.uuid().getMostSignificantBits());
        s.set(Media.LONG, pageOffset + OFF_UUID + 8, sb.uuid().getLeastSignificantBits());
        s.set(Media.LONG, pageOffset + OFF_OWNER_TABLE, sb.ownerTablePage());
        s.set(Media.INT, pageOffset + OFF_OWNER_SLOTS, sb.ownerSlots());
        s.set(Media.LONG, pageOffset + OFF_BACKUP_PAGE, sb.backupPage());
        s.set(Media.LONG, pageOffset + OFF_FORMAT_TIME, sb.formatTimeMillis());
        Labels.write(s, pageOffset + OFF_LABEL, LABEL_BYTES, sb.label());
        s.set(Media.INT, pageOffset + OFF_CRC, Crc32c.of(s, pageOffset, OFF_CRC));
        s.set(Media.LONG, pageOffset + OFF_MAGIC, 0L);
    }

    public static boolean hasMagic(Media media, long pageOffset) {
        return media.getLong(pageOffset + OFF_MAGIC) == MAGIC;
    }

    /**
     * Decodes and validates the copy at {@code pageOffset} of a namespace of {@code namespacePages}.
     *
     * @throws CorruptNamespaceException naming the first field that is wrong
     */
    public static Superblock read(Media media, long pageOffset, long namespacePages) throws CorruptNamespaceException {
        MemorySegment s = media.segment();
        String where = "superblock at " + Pages.hex(pageOffset);
        if (!hasMagic(media, pageOffset)) {
            throw new CorruptNamespaceException(where, "bad magic");
        }
        int storedCrc = s.get(Media.INT, pageOffset + OFF_CRC);
        int crc = Crc32c.of(s, pageOffset, OFF_CRC);
        if (storedCrc != crc) {
            throw new CorruptNamespaceException(where, "checksum mismatch (stored " + Integer.toHexString(storedCrc)
                    + ", computed " + Integer.toHexString(crc) + ")");
        }
        int version = s.get(Media.INT, pageOffset + OFF_VERSION);
        if (version != VERSION) {
            throw new CorruptNamespaceException(where, "unsupported version " + version + " (this build reads " + VERSION + ")");
        }
        int incompat = s.get(Media.INT, pageOffset + OFF_INCOMPAT);
        if ((incompat & ~KNOWN_INCOMPAT) != 0) {
            throw new CorruptNamespaceException(where, "unknown incompatible features 0x" + Integer.toHexString(incompat));
        }
        int roCompat = s.get(Media.INT, pageOffset + OFF_RO_COMPAT);
        if ((roCompat & ~KNOWN_RO_COMPAT) != 0) {
            throw new CorruptNamespaceException(where, "unknown read-only-compatible features 0x" + Integer.toHexString(roCompat));
        }
        int pageSize = s.get(Media.INT, pageOffset + OFF_PAGE_SIZE);
        if (pageSize != Pages.SIZE) {
            throw new CorruptNamespaceException(where, "page size " + pageSize + " (only " + Pages.SIZE + " is supported)");
        }
        int maxOrder = s.get(Media.INT, pageOffset + OFF_MAX_ORDER);
        if (maxOrder != Pages.MAX_ORDER) {
            throw new CorruptNamespaceException(where, "max order " + maxOrder + " (this build uses " + Pages.MAX_ORDER + ")");
        }
        long totalPages = s.get(Media.LONG, pageOffset + OFF_TOTAL_PAGES);
        if (totalPages < Layout.MIN_PAGES || totalPages > namespacePages) {
            throw new CorruptNamespaceException(where, "total pages " + totalPages + " does not fit a namespace of "
                    + namespacePages + " pages (was the namespace truncated?)");
        }
        long ownerTable = s.get(Media.LONG, pageOffset + OFF_OWNER_TABLE);
        int ownerSlots = s.get(Media.INT, pageOffset + OFF_OWNER_SLOTS);
        if (ownerTable != Layout.OWNER_TABLE_PAGE || ownerSlots != OwnerTableFormat.SLOTS) {
            throw new CorruptNamespaceException(where, "owner table at page " + ownerTable + " with " + ownerSlots
                    + " slots (expected page " + Layout.OWNER_TABLE_PAGE + ", " + OwnerTableFormat.SLOTS + " slots)");
        }
        long backup = s.get(Media.LONG, pageOffset + OFF_BACKUP_PAGE);
        if (backup != Layout.backupSuperblockPage(totalPages)) {
            throw new CorruptNamespaceException(where, "backup superblock page " + backup + " is not the last page "
                    + Layout.backupSuperblockPage(totalPages));
        }
        UUID uuid = new UUID(s.get(Media.LONG, pageOffset + OFF_UUID), s.get(Media.LONG, pageOffset + OFF_UUID + 8));
        return new Superblock(version, incompat, roCompat, s.get(Media.INT, pageOffset + OFF_COMPAT), maxOrder,
                totalPages, uuid, ownerTable, ownerSlots, backup, s.get(Media.LONG, pageOffset + OFF_FORMAT_TIME),
                Labels.read(s, pageOffset + OFF_LABEL, LABEL_BYTES));
    }
}
