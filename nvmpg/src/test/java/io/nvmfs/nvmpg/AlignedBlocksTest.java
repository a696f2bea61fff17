package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The split of a page range into naturally aligned power-of-two blocks: in address order, every
 * page covered exactly once, each block aligned to its size and at most {@link Pages#MAX_ORDER},
 * and no decomposition has fewer blocks. Exhaustive for every range below 600 pages (against a
 * dynamic-programming minimum), random up to 2^40 pages (against a closed form).
 */
class AlignedBlocksTest {
    private static final long MAX = 1L << Pages.MAX_ORDER;

    /** Checks order, coverage, alignment and the order bound; returns the block count. */
    private static int checkDecomposition(long start, long end) {
        List<Block> blocks = AlignedBlocks.of(start, end);
        List<Block> seen = new ArrayList<>();
        AlignedBlocks.forEach(start, end, (p, k) -> seen.add(new Block(p, k))); // Block checks alignment
        assertEquals(seen, blocks, "of() is forEach() as a list");
        long at = start;
        for (Block b : blocks) {
            String where = "[" + start + ", " + end + "): " + b;
            assertEquals(at, b.page(), where + " starts where the previous ended");
            assertTrue(b.order() >= 0 && b.order() <= Pages.MAX_ORDER, where);
            assertEquals(0, b.page() & (b.pages() - 1), where + " is aligned to its size");
            at = b.end();
        }
        assertEquals(end, at, "[" + start + ", " + end + ") covered to its end");
        return blocks.size();
    }

    @Test
    void emptyAndReversedRangesHaveNoBlocks() {
        assertEquals(List.of(), AlignedBlocks.of(5, 5));
        assertEquals(List.of(), AlignedBlocks.of(0, 0));
        assertEquals(List.of(), AlignedBlocks.of(9, 3));
    }

    @Test
    void aRangeSplitsIntoTheBlocksItsBitsSay() {
        // [3, 17): 3 | 4-7 | 8-15 | 16
        assertEquals(List.of(new Block(3, 0), new Block(4, 2), new Block(8, 3), new Block(16, 0)),
                AlignedBlocks.of(3, 17));
        assertEquals(List.of(new Block(64, 6)), AlignedBlocks.of(64, 128));
        // Not aligned: two halves, not one block straddling 64.
        assertEquals(List.of(new Block(32, 5), new Block(64, 5)), AlignedBlocks.of(32, 96));
    }

    @Test
    void noBlockExceedsTheMaximumOrderEvenFromPageZero() {
        assertEquals(List.of(new Block(0, 30), new Block(MAX, 30), new Block(2 * MAX, 30), new Block(3 * MAX, 30)),
                AlignedBlocks.of(0, 4 * MAX));
        List<Block> big = AlignedBlocks.of(1L << 40, (1L << 40) + (5L << 30) + 1);
        assertEquals(6, big.size());
        assertTrue(big.stream().allMatch(b -> b.order() <= Pages.MAX_ORDER));
    }

    @Test
    void everyRangeBelow600PagesIsCoveredExactlyByTheFewestAlignedBlocks() {
        int limit = 600;
        int[] fewest = new int[limit + 1];
        for (int end = 1; end <= limit; end++) {
            // fewest[p] = the least number of aligned blocks tiling [p, end), by dynamic programming.
            fewest[end] = 0;
            for (int p = end - 1; p >= 0; p--) {
                int best = Integer.MAX_VALUE;
                for (int k = 0; k <= 10; k++) {
                    if ((p & ((1 << k) - 1)) == 0 && p + (1 << k) <= end) {
                        best = Math.min(best, 1 + fewest[p + (1 << k)]);
                    }
                }
                fewest[p] = best;
            }
            for (int start = 0; start < end; start++) {
                assertEquals(fewest[start], checkDecomposition(start, end), "[" + start + ", " + end + ")");
            }
        }
    }

    /**
     * The least number of blocks of at most 2^30 pages tiling {@code [start, end)}: below the
     * first multiple of 2^30 in the range one block per set bit of the distance to it, whole
     * maximal blocks between, one per set bit after the last; with no such multiple, the same
     * about the multiple of the largest power of two in the range.
     */
    private static long fewest(long start, long end) {
        long a = (start + MAX - 1) & -MAX;
        long b = end & -MAX;
        if (a <= b) {
            return Long.bitCount(a - start) + (b - a) / MAX + Long.bitCount(end - b);
        }
        long m = end & -Long.highestOneBit(start ^ end);
        return Long.bitCount(m - start) + Long.bitCount(end - m);
    }

    @Test
    void randomRangesUpTo2To40PagesAreCoveredExactlyByTheFewestAlignedBlocks() {
        long seed = 17;
        Random rnd = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long start;
            long len;
            switch (i % 4) {
                case 0 -> { // anywhere, any size
                    start = rnd.nextLong(1L << 40);
                    len = 1 + rnd.nextLong(1L << 36);
                }
                case 1 -> { // near a multiple of 2^30 on either side
                    start = (rnd.nextLong(1 << 10) << 30) + rnd.nextLong(-64, 64);
                    len = 1 + rnd.nextLong(3L << 30);
                }
                case 2 -> { // small, inside one maximal block
                    start = rnd.nextLong(1L << 40);
                    len = 1 + rnd.nextInt(5000);
                }
                default -> { // aligned start
                    int k = rnd.nextInt(41);
                    start = (rnd.nextLong(1L << 40) >>> k) << k;
                    len = 1 + rnd.nextLong(1L << 33);
                }
            }
            start = Math.max(0, start);
            long end = start + len;
            assertEquals(fewest(start, end), checkDecomposition(start, end),
                    "seed " + seed + ": [" + start + ", " + end + ")");
        }
    }
}
