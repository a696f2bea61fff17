package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Six threads mixing create, write, truncate, punch, rename, unlink and setxattr over a small
 * namespace, past ENOSPC and back, with the periodic flusher running: the filesystem must never
 * find its own space map corrupt (go read-only), and after a clean detach the structure check
 * must pass — every referenced page recorded once, nothing recorded that nothing references.
 * Reported found as "block … was allocated at order 7, not 6" and SP02 after a 60 s run.
 */
class FullFsConcurrencyTest {
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "g", "h"};

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void manyThreadsAtEnospcKeepTheSpaceMapExact() throws Exception {
        int threads = 6;
        long millis = Long.getLong("nvmfs.enospc.millis", 8000);
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Media media = Media.ofMemory(arena.allocate(20L << 20, 4096), Persistence.NONE);
            Mkfs.format(media, "full", 0, TimeSource.SYSTEM);
            NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(20));
            long root = fs.root();
            long[] dirs = {fs.mkdir(root, "x", 0777, Caller.ROOT).ino(), fs.mkdir(root, "y", 0777, Caller.ROOT).ino()};
            Map enospc = new Map();
            CyclicBarrier start = new CyclicBarrier(threads);
            long deadline = System.nanoTime() + millis * 1_000_000;
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    Random rnd = new Random(id * 7919L);
                    byte[] buf = new byte[1 << 20];
                    rnd.nextBytes(buf);
                    start.await();
                    while (System.nanoTime() < deadline && !fs.fs.isReadOnly()) {
                        long dir = dirs[rnd.nextInt(2)];
                        String name = NAMES[rnd.nextInt(NAMES.length)];
                        try {
                            switch (rnd.nextInt(10)) {
                                case 0, 1, 8, 9 -> {
                                    NvmFs.Created c = fs.create(dir, name, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
                                    try {
                                        long off = ((long) rnd.nextInt(64) << 12) + rnd.nextInt(4096);
                                        fs.write(c.fh(), off, MemorySegment.ofArray(buf), 0, 1 + rnd.nextInt(buf.length));
                                    } finally {
                                        fs.release(c.fh());
                                    }
                                }
                                case 2 -> fs.truncate(fs.lookup(dir, name), rnd.nextInt(3 << 20));
                                case 3 -> {
                                    long fh = fs.open(fs.lookup(dir, name), Handle.O_RDWR);
                                    try {
                                        fs.fallocate(fh, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, rnd.nextInt(2 << 20),
                                                1 + rnd.nextInt(1 << 20));
                                    } finally {
                                        fs.release(fh);
                                    }
                                }
                                case 4 -> fs.rename(dir, name, dirs[rnd.nextInt(2)], NAMES[rnd.nextInt(NAMES.length)], 0);
                                case 5 -> fs.unlink(dir, name);
                                case 6 -> fs.setxattr(fs.lookup(dir, name), "user.k" + rnd.nextInt(4), new byte[1 + rnd.nextInt(900)], 0);
                                default -> {
                                    long fh = fs.open(fs.lookup(dir, name), Handle.O_RDWR);
                                    try {
                                        fs.fallocate(fh, 0, rnd.nextInt(4 << 20), 1 + rnd.nextInt(2 << 20));
                                    } finally {
                                        fs.release(fh);
                                    }
                                }
                            }
                        } catch (FsException e) {
                            enospc.count(e.errno());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            boolean readOnly = fs.fs.isReadOnly();
            String why = readOnly ? fs.fs.readOnlyReason() : null;
            fs.close();
            System.out.println("full-namespace concurrency: errors by errno " + enospc);
            assertFalse(readOnly, "went read-only under load: " + why);
            assertTrue(enospc.get(Errno.ENOSPC) > 0, "the run reached ENOSPC: " + enospc);
            NvmFs again = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
            Consistency.check(again);
            again.close();
        }
    }

    /** Errors seen, by errno. */
    private static final class Map {
        private final ConcurrentHashMap<Errno, AtomicInteger> counts = new ConcurrentHashMap<>();

        void count(Errno e) {
            counts.computeIfAbsent(e, k -> new AtomicInteger()).incrementAndGet();
        }

        int get(Errno e) {
            AtomicInteger n = counts.get(e);
            return n == null ? 0 : n.get();
        }

        @Override
        public String toString() {
            return counts.toString();
        }
    }
}
