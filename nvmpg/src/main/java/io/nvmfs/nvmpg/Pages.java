package io.nvmfs.nvmpg;

/**
 * Page geometry shared by every nvmpg structure. A "page" is always a 4 KiB page of the
 * namespace, and a page number is its byte offset divided by {@link #SIZE}; nvmpg's API
 * speaks page numbers, never addresses, so an image means the same wherever it is mapped.
 */
public final class Pages {
    /** Bytes per page; fixed by format version 1. */
    public static final int SIZE = 4096;
    /** log2 of {@link #SIZE}. */
    public static final int SHIFT = 12;
    /**
     * Largest block order the buddy hands out: 2^30 pages = 4 TiB. A larger namespace simply
     * has several maximal blocks. The record word has 6 order bits, so this may grow to 63.
     */
    public static final int MAX_ORDER = 30;

    private Pages() {}

    /** Byte offset of page {@code page}. */
    public static long toBytes(long page) {
        return page << SHIFT;
    }

    /** Pages in a block of the given order. */
    public static long ofOrder(int order) {
        return 1L << order;
    }

    /** Smallest order whose block holds {@code pages} pages. */
    public static int orderFor(long pages) {
        if (pages <= 0) {
            throw new IllegalArgumentException("page count must be positive, was " + pages);
        }
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    static void checkOrder(int order) {
        if (order < 0 || order > MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " is outside 0.." + MAX_ORDER);
        }
    }
}
