package io.nvmfs.nvmpg;

/**
 * Where the fixed structures sit in a namespace (format version 1); see FORMAT.md.
 *
 * <pre>
 * page 0            page 1             page 2         pages 3 .. N-2           page N-1
 * +---------------+------------------+--------------+------------------------+------------------+
 * | untouched     | superblock       | owner table  | buddy space: blocks,   | backup           |
 * | (labels, MBR) | (primary)        | 32 x 128 B   | record pages           | superblock       |
 * +---------------+------------------+--------------+------------------------+------------------+
 * </pre>
 */
public final class Layout {
    public static final long PRIMARY_SUPERBLOCK_PAGE = 1;
    public static final long OWNER_TABLE_PAGE = 2;
    /** First page the buddy may hand out. */
    public static final long FIRST_USABLE_PAGE = 3;
    /** Smallest namespace worth formatting: the fixed pages plus a little buddy space. */
    public static final int MIN_PAGES = 16;

    private Layout() {}

    /** The backup superblock lives in the last page, far from the primary. */
    public static long backupSuperblockPage(long totalPages) {
        return totalPages - 1;
    }
}
