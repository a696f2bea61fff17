package io.nvmfs.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nvmfs.core.Le;
import io.nvmfs.core.NvmFs;
import io.nvmfs.fsck.ExitCode;
import io.nvmfs.fsck.Fsck;
import io.nvmfs.fsck.RepairMode;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.OwnerTableFormat;
import io.nvmfs.nvmpg.RecordPageFormat;
import io.nvmfs.nvmpg.RecordWord;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation of metadata bytes: for each mutated image, fsck -y must finish (no exception,
 * no hang) and repair it (exit 0 or 1: giving up with exit 8, or leaving errors with exit 4,
 * fails the test); when it repaired, a second run must exit 0, and the repaired image must
 * attach and read back whole (every directory, file, link and xattr).
 * {@code -Dfuzz.images=N} runs N images (default 10,000), {@code -Dfuzz.seed=S} picks the seed.
 */
class FuzzTest {
    private static final int IMAGES = Integer.getInteger("fuzz.images", 10_000);
    private static final long SEED = Long.getLong("fuzz.seed", 20261121L);

    @Test
    void fsckSurvivesAndRepairsMutatedMetadata() throws Exception {
        Recipe[] recipes = {Recipe.TREE, Recipe.TREE, Recipe.DIRTY_JOURNAL, Recipe.ORPHANS, Recipe.EMPTY, Recipe.XATTRS};
        byte[][] bases = new byte[recipes.length][];
        long[][] metaPages = new long[recipes.length][];
        for (int i = 0; i < recipes.length; i++) {
            bases[i] = Images.build(recipes[i], Images.DEFAULT_BYTES);
            metaPages[i] = metadataPages(bases[i]);
        }
        SplittableRandom rnd = new SplittableRandom(SEED);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
        int repaired = 0;
        int clean = 0;
        List<String> unrecoverable = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(Images.DEFAULT_BYTES, 4096);
            Media media = Media.ofMemory(seg, io.nvmfs.nvmpg.Persistence.NONE);
            for (int n = 0; n < IMAGES; n++) {
                int base = rnd.nextInt(recipes.length);
                MemorySegment.copy(bases[base], 0, seg, ValueLayout.JAVA_BYTE, 0, bases[base].length);
                String what = mutate(seg, metaPages[base], rnd);
                String label = "image " + n + " (" + recipes[base] + ", " + what + ")";
                int first = runWithTimeout(worker, media, label);
                if ((first & ~(ExitCode.CORRECTED | ExitCode.OPERATIONAL)) != 0) {
                    fail(label + ": fsck -y exited " + first + "\n" + lastOutput);
                }
                if ((first & ExitCode.OPERATIONAL) != 0) {
                    String said = lastOutput.toString().lines().filter(l -> l.startsWith("fsck.nvmfs:")).findFirst().orElse("");
                    unrecoverable.add(label + ": " + said);
                    continue;
                }
                if (first == ExitCode.CORRECTED) {
                    repaired++;
                    int second = runWithTimeout(worker, media, label + " second run");
                    if (second != 0) {
                        fail(label + ": second run exited " + second + "\nfirst run:\n" + previousOutput
                                + "\nsecond run:\n" + lastOutput);
                    }
                } else {
                    clean++;
                }
                try {
                    NvmFs fs = NvmFs.attach(media, Images.options());
                    TreeWalk.walk(fs);
                    fs.close();
                } catch (Exception e) {
                    fail(label + ": the repaired image does not attach and read back: " + e + "\nfsck said:\n" + lastOutput, e);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("fuzz: %d images (seed %d): %d repaired, %d unchanged-clean, %d beyond repair (exit 8)%n",
                IMAGES, SEED, repaired, clean, unrecoverable.size());
        unrecoverable.stream().limit(100).forEach(s -> System.out.println("  beyond repair: " + s));
        assertTrue(repaired > IMAGES / 4, "most mutations must be found and repaired: " + repaired);
        assertTrue(unrecoverable.isEmpty(),
                "fsck gave up (exit 8) on " + unrecoverable.size() + " images; first: " + unrecoverable.stream().limit(5).toList());
    }

    /** The output of the last run, for the failure message. */
    private static java.io.ByteArrayOutputStream lastOutput = new java.io.ByteArrayOutputStream();
    private static String previousOutput = "";

    private static int runWithTimeout(ExecutorService worker, Media media, String label) throws Exception {
        previousOutput = lastOutput.toString();
        lastOutput = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(lastOutput, true);
        Future<Integer> f = worker.submit(() -> {
            try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
                return Fsck.quiet(new Fsck.Options(RepairMode.YES, true, false, "image"), out).run(media, false, w);
            }
        });
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail(label + ": fsck did not finish within 20 s (hang)");
            return -1;
        } catch (java.util.concurrent.ExecutionException e) {
            fail(label + ": fsck threw " + e.getCause(), e.getCause());
            return -1;
        }
    }

    /** One to four changes, each a random byte, a flipped bit or a zeroed 8-byte word, in random metadata pages. */
    private static String mutate(MemorySegment seg, long[] pages, SplittableRandom rnd) {
        StringBuilder what = new StringBuilder();
        int changes = 1 + rnd.nextInt(4);
        for (int i = 0; i < changes; i++) {
            long page = pages[rnd.nextInt(pages.length)];
            // Half the time near the start of the page, where headers and most records live.
            int off = rnd.nextBoolean() ? rnd.nextInt(256) : rnd.nextInt(4096);
            long at = (page << 12) + off;
            switch (rnd.nextInt(3)) {
                case 0 -> seg.set(ValueLayout.JAVA_BYTE, at, (byte) rnd.nextInt(256));
                case 1 -> seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ (1 << rnd.nextInt(8))));
                default -> seg.asSlice((page << 12) + (off & ~7), 8).fill((byte) 0);
            }
            what.append(i == 0 ? "" : ", ").append("page ").append(page).append('+').append(off);
        }
        return what.toString();
    }

    /** Pages holding metadata: superblocks, owner table, record pages, and every metadata or journal-header page. */
    static long[] metadataPages(byte[] image) {
        List<Long> out = new ArrayList<>(List.of(1L, 2L, (long) image.length / 4096 - 1));
        try (Arena arena = Arena.ofConfined()) {
            Media media = Images.inMemory(arena, image);
            Poke poke = new Poke(media);
            for (int slot = 0; slot < OwnerTableFormat.SLOTS; slot++) {
                if (OwnerTableFormat.state(media, slot) == 0) {
                    continue;
                }
                String label = OwnerTableFormat.label(media, slot);
                for (long rp : poke.chain(slot)) {
                    out.add(rp);
                    for (int k = 0; k < RecordPageFormat.SLOTS; k++) {
                        long w = media.segment().get(Le.LONG, RecordPageFormat.slotOffset(rp, k));
                        if (w == 0) {
                            continue;
                        }
                        long page = RecordWord.page(w);
                        if (label.equals("fs-meta")) {
                            for (long p = 0; p < 1L << RecordWord.order(w); p++) {
                                out.add(page + p);
                            }
                        } else if (label.equals("fs-journal")) {
                            out.add(page);
                        }
                    }
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
