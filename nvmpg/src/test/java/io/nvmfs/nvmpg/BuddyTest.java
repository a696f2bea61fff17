package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DRAM buddy free lists: free blocks aligned to their order, disjoint, covering exactly the
 * free pages, never two free buddies of one order below {@link Pages#MAX_ORDER}; take splits the
 * smallest block that suffices and fails only when no aligned free block of the order exists;
 * give merges as far as free buddies go. The random test compares it with a {@link BitSet} of
 * free pages.
 */
class BuddyTest {
    /** Free blocks as (page, order), sorted by page. */
    private static List<Block> freeBlocks(Buddy b) {
        List<Block> out = new ArrayList<>();
        for (int k = 0; k <= Pages.MAX_ORDER; k++) {
            for (long p : b.freeBlocksOf(k)) {
                out.add(new Block(p, k));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void anEmptyBuddyHasNothingToTake() {
        Buddy b = new Buddy();
        assertEquals(-1, b.take(0));
        assertEquals(-1, b.largestFreeOrder());
        assertEquals(0, b.freePages());
    }

    @Test
    void addRangeListsTheFewestAlignedBlocksOfTheRange() {
        Buddy b = new Buddy();
        b.addRange(3, 17);
        assertEquals(List.of(new Block(3, 0), new Block(4, 2), new Block(8, 3), new Block(16, 0)), freeBlocks(b));
        assertEquals(14, b.freePages());
        assertEquals(3, b.largestFreeOrder());
        assertEquals(2, b.freeBlocks(0));
    }

    @Test
    void takeSplitsTheSmallestSufficientBlockAndFreesTheUpperHalves() {
        Buddy b = new Buddy();
        b.addRange(64, 128); // one order-6 block
        assertEquals(64, b.take(2));
        assertEquals(List.of(new Block(68, 2), new Block(72, 3), new Block(80, 4), new Block(96, 5)), freeBlocks(b));
        assertEquals(60, b.freePages());
        assertEquals(68, b.take(2), "an exact free block is taken before a larger one is split");
        assertEquals(72, b.take(0), "the smallest sufficient block (order 3) is the one split");
        assertArrayEquals(new long[] {73}, b.freeBlocksOf(0));
        assertArrayEquals(new long[] {74}, b.freeBlocksOf(1));
        assertArrayEquals(new long[] {76}, b.freeBlocksOf(2));
        assertEquals(-1, b.take(6), "nothing of order 6 is left");
        assertEquals(32 + 16 + 4 + 2 + 1, b.freePages(), "a failed take changes nothing");
    }

    @Test
    void giveMergesWithFreeBuddiesAsFarAsTheyGo() {
        Buddy b = new Buddy();
        b.addRange(0, 16);
        long[] pages = new long[16];
        for (int i = 0; i < 16; i++) {
            pages[i] = b.take(0);
        }
        assertEquals(0, b.freePages());
        assertEquals(-1, b.take(0));
        // Give back every page but 5: the merges stop at the blocks holding 5.
        for (long p : pages) {
            if (p != 5) {
                b.give(p, 0);
            }
        }
        assertEquals(List.of(new Block(0, 2), new Block(4, 0), new Block(6, 1), new Block(8, 3)), freeBlocks(b));
        b.give(5, 0);
        assertEquals(List.of(new Block(0, 4)), freeBlocks(b), "the last page merges all the way up");
        assertEquals(16, b.freePages());
    }

    @Test
    void giveDoesNotMergeAcrossTheEdgeOfTheRange() {
        Buddy b = new Buddy();
        b.addRange(4, 8); // page 0-3, the buddy of [4, 8), is not free space
        long p = b.take(2);
        assertEquals(4, p);
        b.give(p, 2);
        assertEquals(List.of(new Block(4, 2)), freeBlocks(b));
    }

    @Test
    void maximalBlocksNeverMerge() {
        long max = 1L << Pages.MAX_ORDER;
        Buddy b = new Buddy();
        b.addRange(0, 3 * max);
        assertEquals(3, b.freeBlocks(Pages.MAX_ORDER));
        assertEquals(3 * max, b.freePages());
        long first = b.take(Pages.MAX_ORDER);
        long second = b.take(Pages.MAX_ORDER);
        long third = b.take(Pages.MAX_ORDER);
        assertEquals(-1, b.take(Pages.MAX_ORDER));
        assertEquals(-1, b.take(0));
        b.give(first, Pages.MAX_ORDER);
        b.give(second, Pages.MAX_ORDER);
        b.give(third, Pages.MAX_ORDER);
        assertEquals(3, b.freeBlocks(Pages.MAX_ORDER), "two buddies of the maximum order stay two blocks");
        assertEquals(Pages.MAX_ORDER, b.largestFreeOrder());
        // Splitting a maximal block takes 30 halvings and its halves merge back whole.
        long page = b.take(0);
        assertEquals(3 * max - 1, b.freePages());
        for (int k = 0; k < Pages.MAX_ORDER; k++) {
            assertEquals(1, b.freeBlocks(k), "one upper half of order " + k);
        }
        b.give(page, 0);
        assertEquals(3, b.freeBlocks(Pages.MAX_ORDER));
        assertEquals(3 * max, b.freePages());
    }

    @Test
    void memoryFollowsTheNumberOfFreeBlocksNotTheirSize() {
        Buddy small = new Buddy();
        small.addRange(0, 1L << Pages.MAX_ORDER);
        Buddy huge = new Buddy();
        huge.addRange(0, 256L << Pages.MAX_ORDER); // 1 PiB of pages in 256 blocks
        assertTrue(huge.dramBytes() < small.dramBytes() + 256 * 24L, huge.dramBytes() + " bytes");
    }

    /** Invariants, and agreement with {@code free}, the model's free pages relative to {@code base}. */
    private static void check(Buddy b, BitSet free, long base, int universe, String at) {
        BitSet covered = new BitSet();
        for (int k = 0; k <= Pages.MAX_ORDER; k++) {
            long[] pages = b.freeBlocksOf(k);
            assertEquals(pages.length, b.freeBlocks(k), at);
            for (long p : pages) {
                assertEquals(0, p & ((1L << k) - 1), at + ": free block " + p + " is aligned to order " + k);
                int from = (int) (p - base);
                int to = from + (1 << k);
                assertTrue(from >= 0 && to <= universe, at + ": free block " + p + " order " + k + " outside the space");
                assertTrue(covered.get(from, to).isEmpty(), at + ": free block " + p + " order " + k + " overlaps another");
                covered.set(from, to);
                if (k < Pages.MAX_ORDER) {
                    long buddy = p ^ (1L << k);
                    assertTrue(Arrays.binarySearch(pages, buddy) < 0,
                            at + ": block " + p + " and its buddy " + buddy + " are both free at order " + k);
                }
            }
        }
        assertEquals(free, covered, at + ": the free blocks cover exactly the free pages");
        assertEquals(free.cardinality(), b.freePages(), at + ": freePages");
        int largest = -1;
        for (int k = 0; k <= Pages.MAX_ORDER; k++) {
            if (b.freeBlocks(k) > 0) {
                largest = k;
            }
        }
        assertEquals(largest, b.largestFreeOrder(), at);
    }

    /** Whether some block of {@code order}, aligned to it, is wholly free in the model. */
    private static boolean alignedFreeBlockExists(BitSet free, int order, int universe) {
        for (int p = 0; p + (1 << order) <= universe; p += 1 << order) {
            if (free.nextClearBit(p) >= p + (1 << order)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomTakesAndGivesKeepTheInvariantsAndMatchTheFreePages(long seed) {
        Random rnd = new Random(seed);
        int universe = 1 << 12;
        long base = 1L << 24; // not page 0: addresses must not matter, only alignment
        Buddy b = new Buddy();
        BitSet free = new BitSet();
        List<long[]> gaps = new ArrayList<>();
        // Free gaps between used runs, as attach carves them between recorded blocks.
        int at = rnd.nextInt(8);
        while (at < universe) {
            int gap = Math.min(universe - at, 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 700));
            b.addRange(base + at, base + at + gap);
            gaps.add(new long[] {base + at, base + at + gap});
            free.set(at, at + gap);
            at += gap + 1 + rnd.nextInt(20);
        }
        check(b, free, base, universe, "seed " + seed + " after addRange");
        List<Block> taken = new ArrayList<>();
        for (int step = 0; step < 6000; step++) {
            String where = "seed " + seed + " step " + step;
            if (rnd.nextInt(100) < 55 || taken.isEmpty()) {
                int order = rnd.nextInt(100) < 70 ? rnd.nextInt(3) : rnd.nextInt(11);
                boolean possible = alignedFreeBlockExists(free, order, universe);
                long p = b.take(order);
                if (!possible) {
                    assertEquals(-1, p, where + ": take(" + order + ") with no aligned free block");
                } else {
                    assertTrue(p >= 0, where + ": take(" + order + ") failed with an aligned free block");
                    int from = (int) (p - base);
                    assertEquals(0, p & ((1L << order) - 1), where + ": taken block aligned");
                    assertEquals(1 << order, free.get(from, from + (1 << order)).cardinality(), where + ": taken block " + p + " was free");
                    free.clear(from, from + (1 << order));
                    taken.add(new Block(p, order));
                }
            } else {
                Block g = taken.remove(rnd.nextInt(taken.size()));
                b.give(g.page(), g.order());
                int from = (int) (g.page() - base);
                free.set(from, from + (int) g.pages());
            }
            check(b, free, base, universe, where);
        }
        for (Block g : taken) {
            b.give(g.page(), g.order());
            int from = (int) (g.page() - base);
            free.set(from, from + (int) g.pages());
        }
        check(b, free, base, universe, "seed " + seed + " all given back");
        Buddy fresh = new Buddy();
        for (long[] g : gaps) {
            fresh.addRange(g[0], g[1]);
        }
        assertEquals(freeBlocks(fresh), freeBlocks(b), "seed " + seed + ": all given back, the lists are the original gaps'");
    }
}
