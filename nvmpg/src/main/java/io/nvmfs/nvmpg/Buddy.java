package io.nvmfs.nvmpg;

/**
 * DRAM-only buddy free lists. Never persisted: rebuilt at attach by carving the gaps between
 * recorded blocks ({@link #addRange}).
 *
 * <p>Invariants: every free block of order k starts at a multiple of 2^k; free blocks are
 * disjoint; a free block and its buddy are never both free at the same order (they would
 * have merged), except at {@link Pages#MAX_ORDER}. Memory is proportional to the number of
 * free blocks, never to the namespace size (no per-page structure: one bit per page would
 * already cost 32 MiB per TiB).
 *
 * <p>Not thread-safe; {@link NvmPages} guards it with its lock.
 */
final class Buddy {
    /** free[k] holds the first page of every free block of order k. */
    private final LongHashSet[] free = new LongHashSet[Pages.MAX_ORDER + 1];
    /** Sum of the sizes of all free blocks, in pages. */
    private long freePages;

    Buddy() {
        for (int k = 0; k <= Pages.MAX_ORDER; k++) {
            free[k] = new LongHashSet();
        }
    }

    /** Takes a block of {@code order}, splitting a larger one if needed; -1 when none is large enough. */
    long take(int order) {
        int k = order;
        while (k <= Pages.MAX_ORDER && free[k].isEmpty()) {
            k++;
        }
        if (k > Pages.MAX_ORDER) {
            return -1;
        }
        long page = free[k].removeAny();
        while (k > order) {
            k--;
            free[k].add(page + (1L << k));
        }
        freePages -= 1L << order;
        return page;
    }

    /** Returns a block, merging with free buddies as far as they go. */
    void give(long page, int order) {
        freePages += 1L << order;
        while (order < Pages.MAX_ORDER) {
            long buddy = page ^ (1L << order);
            if (!free[order].remove(buddy)) {
                break;
            }
            page = Math.min(page, buddy);
            order++;
        }
        free[order].add(page);
    }

    /**
     * Adds the free range {@code [start, end)} as the fewest aligned blocks. Used at attach, where
     * each range is a whole gap between recorded blocks, so no block can merge with anything
     * outside it and no merge step is needed.
     */
    void addRange(long start, long end) {
        AlignedBlocks.forEach(start, end, (page, order) -> {
            free[order].add(page);
            freePages += 1L << order;
        });
    }

    long freePages() {
        return freePages;
    }

    int freeBlocks(int order) {
        return free[order].size();
    }

    /** Largest order that has a free block, or -1. */
    int largestFreeOrder() {
        for (int k = Pages.MAX_ORDER; k >= 0; k--) {
            if (!free[k].isEmpty()) {
                return k;
            }
        }
        return -1;
    }

    /** Sorted first pages of the free blocks of {@code order} (tests, fsck, info). */
    long[] freeBlocksOf(int order) {
        return free[order].toSortedArray();
    }

    long dramBytes() {
        long bytes = 16L + 8L * free.length;
        for (LongHashSet set : free) {
            bytes += set.dramBytes();
        }
        return bytes;
    }
}
