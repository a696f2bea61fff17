package io.nvmfs.fsck;

/**
 * An nvmpg record as fsck keeps it: {@code page << 10 | order << 5 | owner slot}. Sorting the
 * packed longs sorts the records by page.
 */
final class Rec {
    private Rec() {}

    static long of(long page, int order, int slot) {
        return (page << 10) | ((long) order << 5) | slot;
    }

    static long page(long r) {
        return r >>> 10;
    }

    static int order(long r) {
        return (int) ((r >>> 5) & 31);
    }

    static int slot(long r) {
        return (int) (r & 31);
    }
}
