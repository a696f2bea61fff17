package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nvmfs.nvmpg.crash.CrashState;
import io.nvmfs.nvmpg.crash.RecordingPersistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Crash at every persist point of every operation, with every subset (or a wide sample) of the
 * stores not yet persisted at 8-byte granularity: every image must attach, pass the space
 * invariants, and show each operation either fully done or not at all.
 */
class CrashAtomicityTest {
    private static final long SIZE = 4L << 20;
    private static final int EXHAUSTIVE_UP_TO = 8;
    private static final int RANDOM_SUBSETS = 16;

    private final Arena arena = Arena.ofConfined();
    private final Random random = new Random(42);
    private RecordingPersistence rec;
    private Media media;
    private int imagesChecked;

    @AfterEach
    void close() {
        arena.close();
    }

    private void newImage() {
        rec = RecordingPersistence.ofZeroImage(arena, SIZE);
        media = Media.ofMemory(rec.live(), rec);
    }

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** Runs {@code op}; every crash state during it must attach to {@code before} or to the state after it. */
    private NvmPages checkedOp(String name, NvmPages pg, Op op) throws Exception {
        Snapshot before = Snapshot.of(pg);
        List<Snapshot> seen = new ArrayList<>();
        List<String> where = new ArrayList<>();
        rec.listen((index, state) -> {
            for (BitSet present : state.subsets(EXHAUSTIVE_UP_TO, RANDOM_SUBSETS, random)) {
                seen.add(attachCrashImage(state, present, name + " persist #" + index + " words " + present));
                where.add(name + " persist #" + index + " with pending words " + present + " of " + state.pendingWords());
            }
        });
        op.run();
        rec.listen(null);
        Snapshot after = Snapshot.of(pg);
        for (int i = 0; i < seen.size(); i++) {
            Snapshot s = seen.get(i);
            if (!s.equals(before) && !s.equals(after)) {
                fail("crash during " + where.get(i) + " left a state that is neither before nor after the operation:\n  got    "
                        + s + "\n  before " + before + "\n  after  " + after);
            }
        }
        CrashState end = rec.snapshot();
        assertEquals(0, end.pendingWords(), name + " left stores that were never persisted");
        assertEquals(after, attachCrashImage(end, new BitSet(), name + " completed"));
        return pg;
    }

    private Snapshot attachCrashImage(CrashState state, BitSet present, String what) {
        imagesChecked++;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment img = state.image(local, present);
            Media m = Media.ofMemory(img, Persistence.NONE);
            NvmPages pg = NvmPages.attach(m);
            Invariants.assertRecordsAndFreeTileUsableSpace(pg);
            Snapshot s = Snapshot.of(pg);
            NvmPages again = NvmPages.attach(m);
            assertEquals(List.of(), again.attachRepairs(), "repairs at attach are done once: " + what);
            assertEquals(s, Snapshot.of(again), "a second attach sees what the first left: " + what);
            return s;
        } catch (NvmpgException e) {
            throw new AssertionError("crash image of " + what + " does not attach: " + e.getMessage(), e);
        }
    }

    @Test
    void everyOperationIsAllOrNothingAtEveryPersistPoint() throws Exception {
        newImage();
        NvmPages pg = NvmPages.format(media, FormatOptions.of("crash"));
        UUID ua = UUID.randomUUID();
        UUID ub = UUID.randomUUID();
        checkedOp("open owner a", pg, () -> pg.openOwner(ua, "a"));
        checkedOp("open owner b", pg, () -> pg.openOwner(ub, "b"));
        Owner a = pg.findOwner(ua).orElseThrow();
        Owner b = pg.findOwner(ub).orElseThrow();
        checkedOp("set root", pg, () -> pg.setRoot(a, 0x1234_5678_9abcL));

        List<Long> pagesOfA = new ArrayList<>();
        for (int i = 0; i < RecordPageFormat.SLOTS + 20; i++) {
            checkedOp("alloc a #" + i, pg, () -> pagesOfA.add(pg.alloc(a, 0)));
        }
        List<Block> blocksOfB = new ArrayList<>();
        for (int order = 0; order <= 6; order++) {
            int k = order;
            checkedOp("alloc b order " + k, pg, () -> blocksOfB.add(new Block(pg.alloc(b, k), k)));
        }
        Block big = blocksOfB.get(6);
        checkedOp("split b", pg, () -> pg.split(b, big.page(), 6));
        Block mid = blocksOfB.get(5);
        checkedOp("release middle of b", pg, () -> pg.release(b, mid.page(), 5, mid.page() + 3, 17));
        Block tail = blocksOfB.get(4);
        checkedOp("release tail of b", pg, () -> pg.release(b, tail.page(), 4, tail.page() + 9, 7));
        // Free in allocation order: empties the older record page first (unlink of a non-head page).
        for (int i = 0; i < pagesOfA.size(); i++) {
            long p = pagesOfA.get(i);
            checkedOp("free a #" + i, pg, () -> pg.free(a, p, 0));
        }
        for (Block blk : List.copyOf(pg.records(b))) {
            checkedOp("free b " + blk, pg, () -> pg.free(b, blk.page(), blk.order()));
        }
        assertEquals(0, pg.stats().recordPages(), "owners without records keep no record pages");
        checkedOp("open owner c", pg, () -> pg.openOwner(UUID.randomUUID(), "c"));
        assertTrue(imagesChecked > 2 * (RecordPageFormat.SLOTS + 20), "checked " + imagesChecked + " images");
    }

    @Test
    void formatLeavesNoValidSuperblockOrACompleteNamespace() throws Exception {
        newImage();
        // An older format with data, made durable: re-formatting over it must never mix the two.
        NvmPages old = NvmPages.format(Media.ofMemory(rec.live(), Persistence.NONE), FormatOptions.of("old"));
        Owner o = old.openOwner(UUID.randomUUID(), "old-owner");
        for (int i = 0; i < 30; i++) {
            old.alloc(o, i % 4);
        }
        rec.durable().copyFrom(rec.live());
        Snapshot oldState = Snapshot.of(old);

        FormatOptions options = FormatOptions.of("new");
        int[] outcomes = new int[3];
        List<Snapshot> formatted = new ArrayList<>();
        rec.listen((index, state) -> {
            for (BitSet present : state.subsets(EXHAUSTIVE_UP_TO, RANDOM_SUBSETS, random)) {
                try (Arena local = Arena.ofConfined()) {
                    Media m = Media.ofMemory(state.image(local, present), Persistence.NONE);
                    NvmPages pg = NvmPages.attach(m);
                    Snapshot s = Snapshot.of(pg);
                    if (s.equals(oldState)) {
                        outcomes[1]++;
                    } else {
                        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
                        formatted.add(s);
                        outcomes[2]++;
                    }
                } catch (NotFormattedException e) {
                    outcomes[0]++;
                } catch (NvmpgException e) {
                    fail("format persist #" + index + " words " + present + ": " + e.getMessage());
                }
            }
        });
        NvmPages fresh = NvmPages.format(media, options);
        rec.listen(null);
        Snapshot freshState = Snapshot.of(fresh);
        for (Snapshot s : formatted) {
            assertEquals(freshState, s, "a valid superblock after a crash in format means the complete new namespace");
        }
        assertTrue(outcomes[0] > 0 && outcomes[2] > 0, "both outcomes reached: " + java.util.Arrays.toString(outcomes));
    }
}
