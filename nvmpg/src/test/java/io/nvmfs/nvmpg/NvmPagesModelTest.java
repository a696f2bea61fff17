package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long random alloc/free/split/release sequences against a plain reference model (a sorted
 * set of owned blocks per owner), with re-attach at random points.
 */
class NvmPagesModelTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomSequencesMatchTheModel(long seed) throws Exception {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            Media media = TestMedia.zeroed(arena, 8L << 20);
            NvmPages pg = NvmPages.format(media, FormatOptions.of("model"));
            long[][] fresh = pg.freeBlocksByOrder();
            List<Owner> owners = new ArrayList<>();
            Map<Owner, TreeSet<Block>> model = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                Owner o = pg.openOwner(UUID.randomUUID(), "owner-" + i);
                owners.add(o);
                model.put(o, new TreeSet<>());
            }
            for (int step = 0; step < 4000; step++) {
                Owner o = owners.get(rnd.nextInt(owners.size()));
                TreeSet<Block> mine = model.get(o);
                int op = rnd.nextInt(10);
                if (op < 5 || mine.isEmpty()) {
                    int order = rnd.nextInt(100) < 70 ? rnd.nextInt(3) : rnd.nextInt(8);
                    try {
                        long p = pg.alloc(o, order);
                        Block b = new Block(p, order);
                        assertDisjointFromAll(model, b);
                        mine.add(b);
                    } catch (OutOfSpaceException e) {
                        assertTrue(e.largestFreeOrder() < order, "ENOSPC only when no block of the order exists");
                    }
                } else {
                    Block b = pick(mine, rnd);
                    if (op < 8) {
                        pg.free(o, b.page(), b.order());
                        mine.remove(b);
                    } else if (op == 8 && b.order() > 0) {
                        mine.remove(b);
                        mine.addAll(pg.split(o, b.page(), b.order()));
                    } else if (b.order() > 0) {
                        long from = b.page() + rnd.nextLong(b.pages());
                        long count = 1 + rnd.nextLong(b.end() - from);
                        List<Block> kept = pg.release(o, b.page(), b.order(), from, count);
                        mine.remove(b);
                        for (Block k : kept) {
                            if (k.end() > from && k.page() < from + count) {
                                fail("kept " + k + " overlaps the released range");
                            }
                        }
                        mine.addAll(kept);
                        assertEquals(b.pages() - count, kept.stream().mapToLong(Block::pages).sum());
                    }
                }
                if (step % 500 == 499) {
                    NvmPages again = NvmPages.attach(media);
                    assertArrayEquals(pg.freeBlocksByOrder(), again.freeBlocksByOrder(), "re-attach rebuilds the same free state");
                    pg = again;
                }
                if (step % 97 == 0) {
                    checkAgainstModel(pg, model);
                }
            }
            checkAgainstModel(pg, model);
            for (Owner o : owners) {
                for (Block b : model.get(o)) {
                    pg.free(o, b.page(), b.order());
                }
            }
            assertArrayEquals(fresh, pg.freeBlocksByOrder(), "freeing everything restores the maximal blocks of a fresh format");
            assertArrayEquals(fresh, NvmPages.attach(media).freeBlocksByOrder());
        }
    }

    private static void checkAgainstModel(NvmPages pg, Map<Owner, TreeSet<Block>> model) {
        long owned = 0;
        for (Map.Entry<Owner, TreeSet<Block>> e : model.entrySet()) {
            assertEquals(new ArrayList<>(e.getValue()), pg.records(e.getKey()), "records of " + e.getKey());
            owned += e.getValue().stream().mapToLong(Block::pages).sum();
        }
        long recordPages = pg.records(pg.allocatorOwner()).size();
        assertEquals(pg.stats().usablePages(), owned + recordPages + pg.freePages(), "records + free = all pages");
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
        Invariants.assertFreeBlocksMaximal(pg);
    }

    private static void assertDisjointFromAll(Map<Owner, TreeSet<Block>> model, Block b) {
        for (TreeSet<Block> set : model.values()) {
            Block floor = set.floor(new Block(b.page(), 0));
            Block ceil = set.ceiling(new Block(b.page(), 0));
            for (Block other : new Block[] {floor, ceil}) {
                if (other != null && other.page() < b.end() && b.page() < other.end()) {
                    fail(b + " handed out while " + other + " is still owned");
                }
            }
        }
    }

    private static Block pick(TreeSet<Block> set, Random rnd) {
        int i = rnd.nextInt(set.size());
        for (Block b : set) {
            if (i-- == 0) {
                return b;
            }
        }
        throw new AssertionError();
    }
}
