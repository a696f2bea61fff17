package io.nvmfs.core;

/**
 * The shape of an inode's on-media overflow extent chain, as DRAM knows it: the chain's pages in
 * order, how many extents each holds, and the logical page of each one's first extent. It tells
 * which pages an extent-list change touches, so a commit rewrites those and no others.
 *
 * <p>Immutable: a commit that changes the chain makes a new one, and an operation that fails
 * puts the old object back (it still describes the media, which the failed commit never changed).
 * Invariant: {@code pages.length == counts.length == firstKeys.length}; every count is 1..254.
 */
record ExtentChain(long[] pages, int[] counts, long[] firstKeys) {
    static final ExtentChain NONE = new ExtentChain(new long[0], new int[0], new long[0]);

    int length() {
        return pages.length;
    }

    long page(int i) {
        return pages[i];
    }

    int count(int i) {
        return counts[i];
    }

    /** Extents the chain holds in all. */
    long extents() {
        long n = 0;
        for (int c : counts) {
            n += c;
        }
        return n;
    }

    boolean contains(long page) {
        for (long p : pages) {
            if (p == page) {
                return true;
            }
        }
        return false;
    }

    /**
     * Index of the page an extent starting at logical page {@code key} belongs in: the last page
     * whose first extent starts at or before it (page 0 takes every key below page 1's first).
     */
    int pageOf(long key) {
        int lo = 1;
        int hi = pages.length - 1;
        int best = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firstKeys[mid] <= key) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }
}
