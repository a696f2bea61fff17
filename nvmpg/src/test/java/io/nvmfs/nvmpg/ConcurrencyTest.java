package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads allocating, freeing, splitting and releasing at once, on shared and private owners. */
class ConcurrencyTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentCallersNeverShareABlockAndLeaveAConsistentNamespace() throws Exception {
        int threads = 6;
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Media media = Media.ofMemory(arena.allocate(32L << 20, Pages.SIZE), Persistence.NONE);
            NvmPages pg = NvmPages.format(media, FormatOptions.of("conc"));
            Owner shared = pg.openOwner(UUID.randomUUID(), "shared");
            // Every page currently owned, by whom: a second claim on any page is a double hand-out.
            ConcurrentHashMap<Long, Integer> claimed = new ConcurrentHashMap<>();
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<List<Block>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    Owner mine = id % 2 == 0 ? shared : pg.openOwner(UUID.randomUUID(), "t" + id);
                    Random rnd = new Random(id);
                    List<Block> held = new ArrayList<>();
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        int op = rnd.nextInt(10);
                        if (op < 5 || held.isEmpty()) {
                            int order = rnd.nextInt(4);
                            try {
                                Block b = new Block(pg.alloc(mine, order), order);
                                claim(claimed, b, id);
                                held.add(b);
                            } catch (OutOfSpaceException e) {
                                // fine under pressure
                            }
                        } else {
                            Block b = held.remove(rnd.nextInt(held.size()));
                            unclaim(claimed, b, id);
                            if (op < 8 || b.order() == 0) {
                                pg.free(mine, b.page(), b.order());
                            } else {
                                List<Block> kept = pg.release(mine, b.page(), b.order(), b.page(), 1);
                                for (Block k : kept) {
                                    claim(claimed, k, id);
                                }
                                held.addAll(kept);
                            }
                        }
                    }
                    return held;
                }));
            }
            List<Block> all = new ArrayList<>();
            for (Future<List<Block>> f : results) {
                all.addAll(f.get());
            }
            Collections.sort(all);
            List<Block> recorded = new ArrayList<>();
            for (Owner o : pg.owners()) {
                if (!o.equals(pg.allocatorOwner())) {
                    recorded.addAll(pg.records(o));
                }
            }
            Collections.sort(recorded);
            assertEquals(all, recorded, "every block a thread holds is recorded, and nothing else");
            Invariants.assertRecordsAndFreeTileUsableSpace(pg);
            Invariants.assertFreeBlocksMaximal(pg);
            assertArrayEquals(pg.freeBlocksByOrder(), NvmPages.attach(media).freeBlocksByOrder());
        }
    }

    private static void claim(ConcurrentHashMap<Long, Integer> claimed, Block b, int id) {
        for (long p = b.page(); p < b.end(); p++) {
            Integer prev = claimed.putIfAbsent(p, id);
            if (prev != null) {
                throw new AssertionError("page " + p + " of " + b + " handed to thread " + id + " while thread " + prev + " holds it");
            }
        }
    }

    private static void unclaim(ConcurrentHashMap<Long, Integer> claimed, Block b, int id) {
        for (long p = b.page(); p < b.end(); p++) {
            claimed.remove(p, id);
        }
    }
}
