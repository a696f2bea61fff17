package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte ranges written since the last persist: sorted, merged when they touch or overlap, at
 * most {@link DirtyRanges#MAX} of them, never covering less than was added. The random test
 * compares the ranges with a {@link BitSet} of every byte added.
 */
class DirtyRangesTest {
    private static List<List<Long>> ranges(DirtyRanges d) {
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < d.count(); i++) {
            out.add(List.of(d.start(i), d.end(i)));
        }
        return out;
    }

    private static List<Long> r(long from, long to) {
        return List.of(from, to);
    }

    @Test
    void aSequentialWriterKeepsOneRange() {
        DirtyRanges d = new DirtyRanges();
        for (long off = 0; off < 10_000 * 4096L; off += 4096) {
            d.add(off, off + 4096);
            assertEquals(1, d.count());
        }
        assertEquals(List.of(r(0, 10_000 * 4096L)), ranges(d));
    }

    @Test
    void emptyAndReversedRangesAddNothing() {
        DirtyRanges d = new DirtyRanges();
        d.add(5, 5);
        d.add(9, 3);
        assertTrue(d.isEmpty());
        assertEquals(0, d.count());
    }

    @Test
    void disjointRangesStaySortedWhateverTheOrderTheyCameIn() {
        DirtyRanges d = new DirtyRanges();
        d.add(300, 400);
        d.add(0, 10);
        d.add(100, 200);
        d.add(50, 60);
        assertEquals(List.of(r(0, 10), r(50, 60), r(100, 200), r(300, 400)), ranges(d));
    }

    @Test
    void touchingRangesMergeOnEitherSide() {
        DirtyRanges d = new DirtyRanges();
        d.add(10, 20);
        d.add(30, 40);
        d.add(20, 25); // touches the end of the first
        assertEquals(List.of(r(10, 25), r(30, 40)), ranges(d));
        d.add(5, 10); // touches the start of the first
        assertEquals(List.of(r(5, 25), r(30, 40)), ranges(d));
        d.add(25, 30); // fills the gap exactly
        assertEquals(List.of(r(5, 40)), ranges(d));
        d.add(40, 41);
        d.add(4, 5);
        assertEquals(List.of(r(4, 41)), ranges(d));
    }

    @Test
    void overlappingRangesMergeAndContainedOnesChangeNothing() {
        DirtyRanges d = new DirtyRanges();
        d.add(10, 20);
        d.add(15, 30);
        assertEquals(List.of(r(10, 30)), ranges(d));
        d.add(12, 18);
        assertEquals(List.of(r(10, 30)), ranges(d));
        d.add(0, 12);
        assertEquals(List.of(r(0, 30)), ranges(d));
        d.add(0, 100);
        assertEquals(List.of(r(0, 100)), ranges(d));
    }

    @Test
    void aRangeSpanningSeveralMergesThemAllIntoOne() {
        DirtyRanges d = new DirtyRanges();
        for (long s = 0; s < 100; s += 10) {
            d.add(s, s + 5); // [0,5) [10,15) ... [90,95)
        }
        d.add(22, 71); // from inside the gap after [20,25) into [70,75)
        assertEquals(List.of(r(0, 5), r(10, 15), r(20, 75), r(80, 85), r(90, 95)), ranges(d));
        d.add(3, 93);
        assertEquals(List.of(r(0, 95)), ranges(d));
    }

    @Test
    void clearForgetsEveryRangeAndTheSetIsReusable() {
        DirtyRanges d = new DirtyRanges();
        for (long s = 0; s < 1000; s += 10) {
            d.add(s, s + 1);
        }
        assertFalse(d.isEmpty());
        d.clear();
        assertTrue(d.isEmpty());
        assertEquals(0, d.count());
        d.add(7, 8);
        assertEquals(List.of(r(7, 8)), ranges(d));
    }

    @Test
    void pastMaxTheTwoClosestRangesMerge() {
        DirtyRanges d = new DirtyRanges();
        // MAX ranges of 10 bytes, 100 bytes apart, except one gap of 3 bytes after range 20.
        long pos = 0;
        List<List<Long>> expected = new ArrayList<>();
        for (int i = 0; i < DirtyRanges.MAX; i++) {
            d.add(pos, pos + 10);
            expected.add(r(pos, pos + 10));
            pos += 10 + (i == 20 ? 3 : 100);
        }
        assertEquals(DirtyRanges.MAX, d.count());
        assertEquals(expected, ranges(d), "up to MAX nothing is merged");
        d.add(1_000_000, 1_000_010); // one range too many
        assertEquals(DirtyRanges.MAX, d.count());
        List<Long> bridged = r(expected.get(20).get(0), expected.get(21).get(1));
        expected.set(20, bridged);
        expected.remove(21);
        expected.add(r(1_000_000, 1_000_010));
        assertEquals(expected, ranges(d), "exactly the narrowest gap was filled");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void rangesCoverEveryByteAddedAndAreExactUntilMoreThanMaxWereNeeded(long seed) {
        Random rnd = new Random(seed);
        int universe = 30_000;
        DirtyRanges d = new DirtyRanges();
        BitSet dirty = new BitSet();
        boolean overflowed = false;
        long append = 0;
        for (int step = 0; step < 20_000; step++) {
            String at = "seed " + seed + " step " + step;
            int op = rnd.nextInt(100);
            long from;
            long to;
            if (op == 0) {
                d.clear();
                dirty.clear();
                overflowed = false;
                continue;
            } else if (op < 20) {
                from = append; // a sequential writer, now and then
                to = Math.min(universe, from + rnd.nextInt(300));
                append = to % universe;
            } else if (op < 25) {
                from = rnd.nextInt(universe);
                to = from - rnd.nextInt(5); // empty or reversed
            } else {
                from = rnd.nextInt(universe);
                to = Math.min(universe, from + 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 400));
            }
            d.add(from, to);
            if (from < to) {
                dirty.set((int) from, (int) to);
            }
            overflowed |= runs(dirty) > DirtyRanges.MAX;
            check(d, dirty, overflowed, at);
        }
    }

    private static int runs(BitSet b) {
        int n = 0;
        for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(b.nextClearBit(i))) {
            n++;
        }
        return n;
    }

    private static void check(DirtyRanges d, BitSet dirty, boolean overflowed, String at) {
        assertTrue(d.count() <= DirtyRanges.MAX, at + ": at most MAX ranges");
        assertEquals(dirty.isEmpty(), d.isEmpty(), at);
        BitSet covered = new BitSet();
        for (int i = 0; i < d.count(); i++) {
            assertTrue(d.start(i) < d.end(i), at + ": range " + i + " is not empty");
            if (i > 0) {
                assertTrue(d.end(i - 1) < d.start(i), at + ": ranges " + (i - 1) + " and " + i
                        + " are sorted, disjoint and not touching");
            }
            assertTrue(dirty.get((int) d.start(i)) && dirty.get((int) d.end(i) - 1),
                    at + ": range " + i + " starts and ends on bytes that were added");
            covered.set((int) d.start(i), (int) d.end(i));
        }
        BitSet lost = (BitSet) dirty.clone();
        lost.andNot(covered);
        assertTrue(lost.isEmpty(), at + ": added bytes not covered: " + lost);
        if (!overflowed) {
            assertEquals(dirty, covered, at + ": never more than MAX runs, so the ranges are exact");
        }
    }
}
