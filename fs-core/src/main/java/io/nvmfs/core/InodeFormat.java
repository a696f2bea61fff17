package io.nvmfs.core;

import java.lang.foreign.MemorySegment;

/**
 * On-media inode record, version 1: 256 bytes, always written whole through the journal.
 *
 * <pre>
 * off  size  field
 *   0     4  mode         file type and permission bits (S_IFMT...); 0 = free record
 *   4     4  nlink
 *   8     4  uid
 *  12     4  gid
 *  16     8  size         bytes
 *  24     8  pages        4 KiB pages held: data extents, extent pages, xattr block
 *  32    32  atime, mtime, ctime, btime: seconds (i64 each)
 *  64    16  the same four: nanoseconds (u32 each)
 *  80     8  rdev         device number of a device node
 *  88     4  generation
 *  92     4  flags        chattr flags (FileFlags: immutable 0x10, append 0x20, nodump 0x40, noatime 0x80)
 *  96     8  parent       for a directory: the inode of its parent (..); else 0
 * 104     8  extent_page  first extent page of the overflow chain; 0 = extents inline
 * 112     4  extents      number of extents
 * 116     4  reserved     0
 * 120     8  xattr        the extended-attribute block, encoded as an extent's physical
 *                         word: page (bits 0..39) | order 0..8 (bits 40..45); 0 = none.
 *                         Older images: a page number, i.e. order 0 ({@link XattrBlockFormat})
 * 128   112  inline       up to 7 extents of 16 bytes, when extent_page is 0
 * 240     8  keep_end     logical page up to which blocks past EOF are a fallocate(KEEP_SIZE)
 *                         reservation, kept at close; 0 = none (older images: always 0)
 * 248     4  reserved     0
 * 252     4  crc32c       CRC32C of bytes 0..251
 *
 * extent (16 bytes):  [logical page u64] [physical page (bits 0..39) | order (bits 40..45) u64]
 * </pre>
 */
public final class InodeFormat {
    public static final int SIZE = 256;
    public static final int OFF_MODE = 0;
    public static final int OFF_NLINK = 4;
    public static final int OFF_UID = 8;
    public static final int OFF_GID = 12;
    public static final int OFF_SIZE = 16;
    public static final int OFF_PAGES = 24;
    public static final int OFF_SEC = 32;
    public static final int OFF_NSEC = 64;
    public static final int OFF_RDEV = 80;
    public static final int OFF_GENERATION = 88;
    /** chattr flags, Linux's FS_*_FL values ({@link FileFlags}); 0 on images older code wrote. */
    public static final int OFF_FLAGS = 92;
    public static final int OFF_PARENT = 96;
    public static final int OFF_EXTENT_PAGE = 104;
    public static final int OFF_EXTENTS = 112;
    public static final int OFF_XATTR_BLOCK = 120;
    public static final int OFF_INLINE = 128;
    public static final int OFF_KEEP_END = 240;
    public static final int INLINE_EXTENTS = 7;
    public static final int OFF_CRC = 252;

    private InodeFormat() {}

    /** Whether the record at {@code at} carries the CRC of its bytes 0..251. */
    public static boolean crcMatches(MemorySegment s, long at) {
        return s.get(Le.INT, at + OFF_CRC) == Le.crc32c(s, at, OFF_CRC);
    }

    public static long packPhysical(long page, int order) {
        return page | ((long) order << 40);
    }

    public static long physicalPage(long packed) {
        return packed & ((1L << 40) - 1);
    }

    public static int physicalOrder(long packed) {
        return (int) ((packed >>> 40) & 0x3f);
    }
}
