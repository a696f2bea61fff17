package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import io.nvmfs.nvmpg.crash.CrashState;
import io.nvmfs.nvmpg.crash.RecordingPersistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JournalTest {
    private static final long IMAGE = 1 << 20;
    private static final long JOURNAL = 64 * 1024;   // 15 pages of log: wraps many times below
    private static final long JOURNAL_BASE = 16 * 4096;
    private static final long HOME = 128 * 4096;     // 64 home words the transactions change
    private static final int WORDS = 64;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private static long[] homeOf(MemorySegment s) {
        long[] out = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            out[i] = s.get(JournalFormat.LONG_UNALIGNED, HOME + 8L * i);
        }
        return out;
    }

    private static Transaction randomTransaction(Random rnd, int index, long[] model) {
        Transaction tx = new Transaction();
        int n = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 5);
        for (int i = 0; i < n; i++) {
            int w = rnd.nextInt(WORDS);
            long v = ((long) index << 20) | ((long) i << 8) | w;
            tx.putLong(HOME + 8L * w, v);
            model[w] = v;
        }
        return tx;
    }

    @Test
    void everyCrashReplaysToACommittedPrefix() throws Exception {
        RecordingPersistence rec = RecordingPersistence.ofZeroImage(arena, IMAGE);
        Media media = Media.ofMemory(rec.live(), rec);
        Journal.format(media, JOURNAL_BASE, JOURNAL);
        Journal j = Journal.open(media, JOURNAL_BASE, JOURNAL);
        Random rnd = new Random(3);
        long[] model = new long[WORDS];
        List<long[]> states = new ArrayList<>();
        states.add(model.clone());
        int[] checked = new int[1];
        rec.listen((index, state) -> {
            for (BitSet present : state.subsets(6, 8, rnd)) {
                long[] seen = replayCrashImage(state, present);
                // The crash happened during transaction states.size()-1 (or a checkpoint after it).
                long[] before = states.get(states.size() - 1);
                long[] during = model;
                if (!java.util.Arrays.equals(seen, before) && !java.util.Arrays.equals(seen, during)) {
                    fail("crash at persist #" + index + " replayed to neither the last committed state nor the one being committed");
                }
                checked[0]++;
            }
        });
        for (int t = 1; t <= 400; t++) {
            Transaction tx = randomTransaction(rnd, t, model);
            j.commit(tx);
            states.add(model.clone());
            if (t % 37 == 0) {
                j.checkpoint();
            }
        }
        rec.listen(null);
        assertArrayEquals(model, homeOf(rec.live()));
        assertArrayEquals(model, replayCrashImage(rec.snapshot(), allOf(rec.snapshot())), "abandoned without checkpoint");
        assertTrue(checked[0] > 1000, "crash images checked: " + checked[0]);
    }

    /**
     * A journal formatted where an older one lived (mkfs over an nvmfs on the same namespace, or
     * fsck resetting it) replays nothing of the old records, even after new records have been
     * written at the very offsets the old ones occupy, with the same sizes.
     */
    @Test
    void reformattedJournalNeverReplaysTheOldRecords() throws Exception {
        MemorySegment img = arena.allocate(IMAGE, 4096);
        Media media = Media.ofMemory(img, Persistence.NONE);
        Journal.format(media, JOURNAL_BASE, JOURNAL);
        Journal old = Journal.open(media, JOURNAL_BASE, JOURNAL);
        for (int t = 1; t <= 20; t++) {
            Transaction tx = new Transaction();
            tx.putLong(HOME + 8L * t, 1000 + t);
            old.commit(tx);
        }
        // Abandoned without a checkpoint: the old records stay intact in the log.
        img.asSlice(HOME, 8L * WORDS).fill((byte) 0);
        Journal.format(media, JOURNAL_BASE, JOURNAL);
        Journal fresh = Journal.open(media, JOURNAL_BASE, JOURNAL);
        assertEquals(0, fresh.replayed(), "a new journal has no history");
        Transaction first = new Transaction();
        first.putLong(HOME + 8L, 7);
        fresh.commit(first); // same size as the old first record, at the same offset
        long[] expected = new long[WORDS];
        expected[1] = 7;
        // A crash now: the open replays the new record and must stop before the old second one.
        img.asSlice(HOME, 8L * WORDS).fill((byte) 0);
        Journal reopened = Journal.open(media, JOURNAL_BASE, JOURNAL);
        assertEquals(1, reopened.replayed());
        assertArrayEquals(expected, homeOf(img));
    }

    private static BitSet allOf(CrashState s) {
        BitSet b = new BitSet();
        b.set(0, s.pendingWords());
        return b;
    }

    private long[] replayCrashImage(CrashState state, BitSet present) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment img = state.image(local, present);
            Media m = Media.ofMemory(img, Persistence.NONE);
            Journal.open(m, JOURNAL_BASE, JOURNAL);
            long[] once = homeOf(img);
            Journal again = Journal.open(m, JOURNAL_BASE, JOURNAL);
            assertEquals(0, again.replayed(), "a second open has nothing left to replay");
            assertArrayEquals(once, homeOf(img));
            return once;
        } catch (CorruptFsException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentCommittersShareCommitsAndAllLand() throws Exception {
        int threads = 4;
        int perThread = 500;
        Arena shared = Arena.ofShared();
        MemorySegment img = shared.allocate(IMAGE, 4096);
        long[] persists = new long[1];
        // A persist that takes 200 us, as a slow msync would: committers arriving meanwhile must share the next one.
        Media media = Media.ofMemory(img, (off, len) -> {
            synchronized (persists) {
                persists[0]++;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        });
        Journal.format(media, JOURNAL_BASE, JOURNAL);
        Journal j = Journal.open(media, JOURNAL_BASE, JOURNAL);
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= perThread; i++) {
                        // Each thread owns its own home words: callers serialise writes to the same bytes.
                        j.commit(new Transaction().putLong(HOME + 8L * id, i).putLong(HOME + 8L * (id + 8), -i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, img.get(JournalFormat.LONG_UNALIGNED, HOME + 8L * t));
            assertEquals(-perThread, img.get(JournalFormat.LONG_UNALIGNED, HOME + 8L * (t + 8)));
        }
        // Abandoned without checkpoint: reopening replays what is past the tail and changes nothing.
        Journal.open(Media.ofMemory(img, Persistence.NONE), JOURNAL_BASE, JOURNAL);
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, img.get(JournalFormat.LONG_UNALIGNED, HOME + 8L * t));
        }
        // Without group commit every commit persists its own record (plus checkpoints): fewer persists
        // than commits means committers shared them.
        assertTrue(persists[0] < (long) threads * perThread,
                "group commit: " + persists[0] + " persists for " + threads * perThread + " commits");
        shared.close();
    }

    @Test
    void oversizedTransactionIsRefusedCleanly() throws Exception {
        Media media = Media.ofMemory(arena.allocate(IMAGE, 4096), Persistence.NONE);
        Journal.format(media, JOURNAL_BASE, JOURNAL);
        Journal j = Journal.open(media, JOURNAL_BASE, JOURNAL);
        Transaction big = new Transaction().write(HOME, new byte[(int) JOURNAL]);
        FsException e = assertThrows(FsException.class, () -> j.commit(big));
        assertEquals(Errno.ENOSPC, e.errno());
        j.commit(new Transaction().putLong(HOME, 7));
        assertEquals(7, media.segment().get(JournalFormat.LONG_UNALIGNED, HOME));
    }

    @Test
    void bothHeadersDestroyedIsCorruption() {
        Media media = Media.ofMemory(arena.allocate(IMAGE, 4096), Persistence.NONE);
        Journal.format(media, JOURNAL_BASE, JOURNAL);
        media.segment().asSlice(JOURNAL_BASE, 4096).fill((byte) 0x33);
        CorruptFsException e = assertThrows(CorruptFsException.class, () -> Journal.open(media, JOURNAL_BASE, JOURNAL));
        assertTrue(e.getMessage().contains("neither header slot"), e.getMessage());
    }
}
