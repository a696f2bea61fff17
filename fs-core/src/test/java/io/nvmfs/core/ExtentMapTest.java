package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DRAM extent list of a file: sorted by logical page, lookups by binary search, growth past
 * the initial four slots, independent copies. The random test compares every query with a
 * {@link TreeMap} over thousands of inserts and removals.
 */
class ExtentMapTest {
    /** Logical page, physical page, order: one extent as the model keeps it. */
    private record E(long logical, long physical, int order) {
        long end() {
            return logical + (1L << order);
        }
    }

    private static ExtentMap of(E... extents) {
        ExtentMap m = new ExtentMap();
        for (E e : extents) {
            m.insert(e.logical, e.physical, e.order);
        }
        return m;
    }

    private static List<E> contents(ExtentMap m) {
        List<E> out = new ArrayList<>();
        for (int i = 0; i < m.count(); i++) {
            out.add(new E(m.logical(i), m.physical(i), m.order(i)));
        }
        return out;
    }

    @Test
    void anEmptyMapFindsNothing() {
        ExtentMap m = new ExtentMap();
        assertEquals(0, m.count());
        assertEquals(-1, m.find(0));
        assertEquals(-1, m.floor(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, m.nextStart(0));
        assertEquals(0, m.pages());
        assertFalse(m.holdsPhysical(0));
    }

    @Test
    void insertKeepsExtentsSortedByLogicalPageWhateverTheOrderOfInsertion() {
        ExtentMap m = new ExtentMap();
        assertEquals(0, m.insert(64, 1000, 3));
        assertEquals(0, m.insert(0, 2000, 0));
        assertEquals(2, m.insert(128, 3000, 6));
        assertEquals(1, m.insert(8, 4000, 3));
        assertEquals(List.of(new E(0, 2000, 0), new E(8, 4000, 3), new E(64, 1000, 3), new E(128, 3000, 6)),
                contents(m));
    }

    @Test
    void findNamesTheExtentContainingAPageAndNothingInAHole() {
        // [8, 16) and [32, 33); holes [0, 8), [16, 32), [33, ...).
        ExtentMap m = of(new E(8, 100, 3), new E(32, 200, 0));
        assertEquals(-1, m.find(7));
        assertEquals(0, m.find(8));
        assertEquals(0, m.find(15));
        assertEquals(-1, m.find(16), "end() is exclusive");
        assertEquals(-1, m.find(31));
        assertEquals(1, m.find(32));
        assertEquals(-1, m.find(33));
        assertEquals(16, m.end(0));
        assertEquals(33, m.end(1));
    }

    @Test
    void floorIsTheLastExtentStartingAtOrBeforeThePage() {
        ExtentMap m = of(new E(8, 100, 3), new E(32, 200, 0));
        assertEquals(-1, m.floor(7));
        assertEquals(0, m.floor(8));
        assertEquals(0, m.floor(20), "a page in the hole after an extent floors to it");
        assertEquals(1, m.floor(32));
        assertEquals(1, m.floor(Long.MAX_VALUE));
    }

    @Test
    void nextStartIsTheFirstStartAtOrAfterThePage() {
        ExtentMap m = of(new E(8, 100, 3), new E(32, 200, 0));
        assertEquals(8, m.nextStart(0));
        assertEquals(8, m.nextStart(8), "an extent starting at the page itself counts");
        assertEquals(32, m.nextStart(9));
        assertEquals(32, m.nextStart(20));
        assertEquals(32, m.nextStart(32));
        assertEquals(Long.MAX_VALUE, m.nextStart(33));
    }

    @Test
    void removeClosesTheGapAndKeepsTheOrder() {
        ExtentMap m = of(new E(0, 10, 0), new E(1, 11, 0), new E(2, 12, 1), new E(4, 14, 2));
        m.remove(1);
        assertEquals(List.of(new E(0, 10, 0), new E(2, 12, 1), new E(4, 14, 2)), contents(m));
        m.remove(2);
        assertEquals(List.of(new E(0, 10, 0), new E(2, 12, 1)), contents(m));
        m.remove(0);
        assertEquals(List.of(new E(2, 12, 1)), contents(m));
        assertEquals(-1, m.find(0));
        m.remove(0);
        assertEquals(0, m.count());
        assertEquals(Long.MAX_VALUE, m.nextStart(0));
    }

    @Test
    void growsFarPastItsInitialCapacity() {
        List<Long> starts = new ArrayList<>();
        for (long p = 0; p < 5000; p++) {
            starts.add(p * 2);
        }
        Collections.shuffle(starts, new Random(3));
        ExtentMap m = new ExtentMap();
        for (long s : starts) {
            m.insert(s, 1_000_000 + s, 0);
        }
        assertEquals(5000, m.count());
        for (int i = 0; i < 5000; i++) {
            assertEquals(2L * i, m.logical(i));
            assertEquals(1_000_000 + 2L * i, m.physical(i));
            assertEquals(i, m.find(2L * i));
            assertEquals(-1, m.find(2L * i + 1));
        }
        assertEquals(5000, m.pages());
    }

    @Test
    void aCopyIsIndependentOfItsOriginal() {
        ExtentMap m = of(new E(0, 10, 0), new E(4, 20, 2));
        ExtentMap c = m.copy();
        m.insert(16, 30, 4);
        m.remove(0);
        assertEquals(List.of(new E(0, 10, 0), new E(4, 20, 2)), contents(c));
        c.insert(1, 40, 0);
        assertEquals(List.of(new E(4, 20, 2), new E(16, 30, 4)), contents(m));
    }

    @Test
    void setToMakesTheMapEqualAndStillGrows() {
        ExtentMap big = new ExtentMap();
        for (int i = 0; i < 5; i++) {
            big.insert(i, 100 + i, 0); // five extents: a copy sized to exactly five slots
        }
        ExtentMap m = of(new E(1000, 1, 0));
        m.setTo(big);
        assertEquals(contents(big), contents(m));
        m.insert(5, 105, 0);
        m.insert(6, 106, 0);
        assertEquals(5, big.count(), "the source is not changed through the target");
        assertEquals(7, m.count());
        m.setTo(new ExtentMap());
        assertEquals(0, m.count());
        m.insert(3, 3, 0);
        assertEquals(List.of(new E(3, 3, 0)), contents(m));
    }

    @Test
    void holdsPhysicalIsTrueExactlyForPagesInsideABlock() {
        ExtentMap m = of(new E(0, 64, 4), new E(100, 8, 0));
        assertFalse(m.holdsPhysical(63));
        assertTrue(m.holdsPhysical(64));
        assertTrue(m.holdsPhysical(79));
        assertFalse(m.holdsPhysical(80));
        assertFalse(m.holdsPhysical(7));
        assertTrue(m.holdsPhysical(8));
        assertFalse(m.holdsPhysical(9));
    }

    @Test
    void largeOrdersAndLogicalPagesDoNotOverflowAnInt() {
        long logical = 1L << 40;
        ExtentMap m = of(new E(0, 1L << 30, 30), new E(logical, 1L << 31, 30));
        assertEquals(1L << 30, m.end(0));
        assertEquals(logical + (1L << 30), m.end(1));
        assertEquals(2L << 30, m.pages());
        assertEquals(1, m.find(logical + (1L << 30) - 1));
        assertEquals(-1, m.find(logical + (1L << 30)));
        assertTrue(m.holdsPhysical((1L << 31) + (1L << 30) - 1));
        assertEquals(logical, m.nextStart(1L << 30));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomInsertsAndRemovalsAnswerEveryQueryAsASortedMap(long seed) {
        Random rnd = new Random(seed);
        ExtentMap m = new ExtentMap();
        TreeMap<Long, E> model = new TreeMap<>();
        long span = 1 << 10;
        for (int step = 0; step < 20_000; step++) {
            String at = "seed " + seed + " step " + step;
            int op = rnd.nextInt(10);
            if (op < 5) {
                int order = rnd.nextInt(100) < 60 ? 0 : rnd.nextInt(7);
                long logical = (rnd.nextLong(span) >>> order) << order;
                E e = new E(logical, 1 + rnd.nextLong(1L << 30), order);
                if (overlapsModel(model, e)) {
                    continue;
                }
                int i = m.insert(e.logical, e.physical, e.order);
                model.put(logical, e);
                assertEquals(model.headMap(logical).size(), i, at + ": insert returns the extent's index");
            } else if (op < 7 && !model.isEmpty()) {
                int i = rnd.nextInt(model.size());
                m.remove(i);
                model.remove(new ArrayList<>(model.keySet()).get(i));
            } else if (op == 7 && rnd.nextInt(50) == 0) {
                ExtentMap c = m.copy();
                m = rnd.nextBoolean() ? c : new ExtentMap();
                if (m != c) {
                    m.setTo(c);
                }
            }
            List<E> expected = new ArrayList<>(model.values());
            assertEquals(expected, contents(m), at);
            long pages = 0;
            for (E e : expected) {
                pages += 1L << e.order;
            }
            assertEquals(pages, m.pages(), at + ": pages");
            for (int q = 0; q < 4; q++) {
                long page = rnd.nextInt(4) == 0 && !expected.isEmpty()
                        ? randomBoundary(rnd, expected) : rnd.nextLong(span + 64);
                checkQueries(m, model, page, at + " page " + page);
            }
        }
    }

    private static boolean overlapsModel(TreeMap<Long, E> model, E e) {
        Map.Entry<Long, E> below = model.floorEntry(e.logical);
        if (below != null && below.getValue().end() > e.logical) {
            return true;
        }
        Long above = model.ceilingKey(e.logical);
        return above != null && above < e.end();
    }

    /** A start or an end of some extent, or one page either side of it. */
    private static long randomBoundary(Random rnd, List<E> extents) {
        E e = extents.get(rnd.nextInt(extents.size()));
        long p = rnd.nextBoolean() ? e.logical : e.end();
        return Math.max(0, p + rnd.nextInt(3) - 1);
    }

    private static void checkQueries(ExtentMap m, TreeMap<Long, E> model, long page, String at) {
        Map.Entry<Long, E> floor = model.floorEntry(page);
        int floorIndex = floor == null ? -1 : model.headMap(floor.getKey()).size();
        assertEquals(floorIndex, m.floor(page), at + ": floor");
        int findIndex = floor != null && page < floor.getValue().end() ? floorIndex : -1;
        assertEquals(findIndex, m.find(page), at + ": find");
        Long next = model.ceilingKey(page);
        assertEquals(next == null ? Long.MAX_VALUE : next, m.nextStart(page), at + ": nextStart");
    }

    @Test
    void rollBackPutsBackEveryInsertAndRemoveSinceBeginUndo() {
        Random r = new Random(5);
        for (int round = 0; round < 200; round++) {
            ExtentMap m = new ExtentMap();
            for (int i = 0; i < r.nextInt(300); i++) {
                long l = r.nextInt(4000);
                if (m.find(l) < 0 && m.find(l + 1) < 0 && l + 2 <= m.nextStart(l)) {
                    m.insert(l, 1000 + 2 * l, r.nextInt(2));
                }
            }
            ExtentMap before = m.copy();
            long pagesBefore = m.pages();
            m.beginUndo();
            for (int k = 0; k < r.nextInt(50); k++) {
                if (m.count() > 0 && r.nextBoolean()) {
                    m.remove(r.nextInt(m.count()));
                } else {
                    long l = r.nextInt(4000);
                    if (m.find(l) < 0 && l + 1 <= m.nextStart(l)) {
                        m.insert(l, 9000 + l, 0);
                    }
                }
            }
            m.rollBack();
            assertFalse(m.undoing(), "round " + round + ": recording ended");
            assertEquals(before.count(), m.count(), "round " + round + ": count");
            for (int i = 0; i < m.count(); i++) {
                assertEquals(before.logical(i), m.logical(i), "round " + round + " extent " + i);
                assertEquals(before.physical(i), m.physical(i), "round " + round + " extent " + i);
                assertEquals(before.order(i), m.order(i), "round " + round + " extent " + i);
            }
            assertEquals(pagesBefore, m.pages(), "round " + round + ": pages");
            assertEquals(before.changedLo(), m.changedLo(), "round " + round + ": changes as before");
            assertEquals(before.changedHi(), m.changedHi(), "round " + round + ": changes as before");
        }
    }

    @Test
    void insertedSinceBeginNamesTheBlocksStillMappedThatTheOperationAdded() {
        ExtentMap m = new ExtentMap();
        m.insert(0, 64, 4); // one block of 16 pages
        m.beginUndo();
        m.remove(0); // split it: keep pages 0..7 (order 3) and 12..15 (order 2)
        m.insert(0, 64, 3);
        m.insert(12, 76, 2);
        m.insert(40, 200, 0);
        m.insert(41, 201, 0);
        m.remove(m.find(41));
        List<long[]> added = m.insertedSinceBegin();
        assertEquals(List.of("64/3", "76/2", "200/0"), added.stream().map(b -> b[0] + "/" + b[1]).toList());
        m.endUndo();
        assertFalse(m.undoing());
        assertEquals(8 + 4 + 1, m.pages());
    }
}
