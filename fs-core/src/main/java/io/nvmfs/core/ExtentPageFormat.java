package io.nvmfs.core;

/**
 * Overflow extent page, version 1 (metadata owner). A new page is written whole and persisted
 * before the transaction that links it; with feature {@code SPARSE_EXTENT_CHAINS} a page may hold
 * 1..254 extents anywhere in the chain and is changed in place only through a journaled write of
 * its bytes up to its last extent ({@link ExtentChainWriter}); without it, chains are packed full
 * and a changed extent list gets new pages.
 *
 * <pre>
 * off  size  field
 *   0     4  magic   "EXTP"
 *   4     4  count   extents in this page (1..254)
 *   8     8  next    next extent page; 0 = last
 *  16     8  owner   inode number (catches a page linked from the wrong inode)
 *  24     4  crc32c  CRC32C of bytes 0..23 and of the count extents that follow
 *  28     4  reserved 0
 *  32  4064  extents 254 x 16 bytes, sorted by logical page, same encoding as the inode's
 * </pre>
 */
public final class ExtentPageFormat {
    public static final int MAGIC = 0x50545845; // "EXTP"
    public static final int OFF_MAGIC = 0;
    public static final int OFF_COUNT = 4;
    public static final int OFF_NEXT = 8;
    public static final int OFF_OWNER = 16;
    public static final int OFF_CRC = 24;
    public static final int OFF_EXTENTS = 32;
    public static final int PER_PAGE = (4096 - OFF_EXTENTS) / 16;

    private ExtentPageFormat() {}

    /** The CRC of the page at byte offset {@code at} holding {@code count} extents. */
    public static int crc(java.lang.foreign.MemorySegment media, long at, int count) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(media.asSlice(at, OFF_CRC).asByteBuffer());
        c.update(media.asSlice(at + OFF_EXTENTS, 16L * count).asByteBuffer());
        return (int) c.getValue();
    }
}
