package io.nvmfs.fsck;

/**
 * Hands out free blocks for the few structures fsck creates (lost+found and its pages, extent
 * pages, record pages, a new journal). A block is free when no claim covers it; claims are sorted
 * and disjoint after pass 4b. Blocks given out are claimed at once, so later passes and pass 8's
 * records see them like any other.
 */
final class SpaceAllocator {
    private final CheckState st;
    /** First pages of the blocks fsck itself allocated: pass 8 records them without calling them a problem. */
    private final java.util.Set<Long> own = new java.util.HashSet<>();

    SpaceAllocator(CheckState st) {
        this.st = st;
    }

    /** First free aligned block of {@code order} pages, claimed for {@code claimant}; -1 if none. */
    long allocate(int order, boolean meta, int claimant) {
        long page = firstFree(st.claims, order, st.usableEnd());
        if (page >= 0) {
            insertSorted(Claim.of(page, order, meta, claimant));
            own.add(page);
        }
        return page;
    }

    /**
     * The first block of {@code order}, aligned to its size, inside the allocatable space up to
     * {@code end} that no claim in {@code sorted} (sorted by page) overlaps; -1 if none.
     */
    static long firstFree(LongList sorted, int order, long end) {
        long size = 1L << order;
        long candidate = align(3, size);
        for (int i = 0; i < sorted.size(); i++) {
            long c = sorted.get(i);
            if (candidate + size <= Claim.page(c)) {
                break;
            }
            candidate = Math.max(candidate, align(Claim.end(c), size));
        }
        return candidate + size <= end ? candidate : -1;
    }

    boolean allocatedHere(long page) {
        return own.contains(page);
    }

    private static long align(long page, long size) {
        return (page + size - 1) & -size;
    }

    private void insertSorted(long claim) {
        LongList c = st.claims;
        int at = c.search(claim);
        int pos = at < 0 ? -at - 1 : at;
        c.add(0);
        for (int i = c.size() - 1; i > pos; i--) {
            c.set(i, c.get(i - 1));
        }
        c.set(pos, claim);
    }
}
