package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The crash-state explorer over generated workloads. By default (CI): every one-operation
 * workload from every base (seq-1 complete) and a seeded sample of two-operation workloads.
 * {@code -Dnvmfs.crash.long=true}: every two-operation workload (seq-2 complete) and a sample of
 * seq-3. {@code -Dnvmfs.crash.seed=N} changes the sample. Prints what it did.
 */
class CrashExplorerTest {
    private static final boolean LONG = Boolean.getBoolean("nvmfs.crash.long");
    private static final long SEED = Long.getLong("nvmfs.crash.seed", 20261201L);

    /**
     * Every failing state, one line each (base, workload, step, persist index, subset of words):
     * a small case to rerun and turn into a named test in {@link CrashRegressionTest}. Written to
     * {@code target/crash-failures.txt} beside the surefire reports.
     */
    private static void writeOut(String what, CrashExplorer x) {
        if (x.failures().isEmpty()) {
            return;
        }
        try {
            java.nio.file.Path out = java.nio.file.Path.of("target", "crash-failures.txt");
            java.nio.file.Files.createDirectories(out.getParent());
            java.nio.file.Files.write(out, x.failures().stream().map(f -> what + ": " + f).toList(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            System.out.println("  all failing states written to " + out.toAbsolutePath());
        } catch (java.io.IOException e) {
            System.out.println("  could not write the failing states: " + e);
        }
    }

    private static void report(String what, CrashExplorer x, long startNanos) {
        System.out.printf("crash explorer %s: %d workloads, %d crash states, %d failures, %.1f s%n", what,
                x.workloads(), x.states(), x.failures().size(), (System.nanoTime() - startNanos) / 1e9);
        for (String f : x.failures().subList(0, Math.min(5, x.failures().size()))) {
            System.out.println("  " + f);
        }
        writeOut(what, x);
    }

    private static void assertNoFailures(CrashExplorer x) {
        assertEquals(List.of(), x.failures().subList(0, Math.min(3, x.failures().size())),
                x.failures().size() + " crash states failed");
    }

    @Test
    void seq1Complete() {
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            CrashExplorer x = new CrashExplorer(arena, 4, 4, SEED);
            x.exploreSeq1();
            report("seq-1 complete", x, start);
            assertNoFailures(x);
        }
    }

    /** Every pair (long mode: from every base) or a seeded sample of them (CI). */
    @Test
    void seq2() {
        List<List<CrashOps.Op>> all = new ArrayList<>();
        for (CrashOps.Op a : CrashOps.catalogue()) {
            for (CrashOps.Op b : CrashOps.catalogue()) {
                all.add(List.of(a, b));
            }
        }
        run(LONG ? "seq-2 complete" : "seq-2 sample", all, LONG ? Integer.MAX_VALUE : Integer.getInteger("nvmfs.crash.seq2", 1500), LONG);
    }

    /** A seeded sample of three-operation workloads. */
    @Test
    void seq3Sample() {
        List<CrashOps.Op> ops = CrashOps.catalogue();
        Random pick = new Random(SEED + 3);
        List<List<CrashOps.Op>> some = new ArrayList<>();
        int sample = LONG ? 3000 : Integer.getInteger("nvmfs.crash.seq3", 300);
        for (int i = 0; i < sample; i++) {
            some.add(List.of(ops.get(pick.nextInt(ops.size())), ops.get(pick.nextInt(ops.size())), ops.get(pick.nextInt(ops.size()))));
        }
        run("seq-3 sample", some, sample, false);
    }

    private static void run(String what, List<List<CrashOps.Op>> workloads, int limit, boolean everyBase) {
        long start = System.nanoTime();
        List<List<CrashOps.Op>> order = new ArrayList<>(workloads);
        java.util.Collections.shuffle(order, new Random(SEED));
        try (Arena arena = Arena.ofConfined()) {
            CrashExplorer x = new CrashExplorer(arena, LONG ? 4 : 2, LONG ? 4 : 2, SEED);
            int n = 0;
            for (List<CrashOps.Op> w : order) {
                if (n >= limit) {
                    break;
                }
                if (everyBase) {
                    for (CrashBases.Base b : CrashBases.ALL) {
                        x.explore(b, w);
                    }
                } else {
                    x.explore(CrashBases.ALL.get(n % CrashBases.ALL.size()), w);
                }
                n++;
            }
            report(what + " (" + n + " of " + workloads.size() + (everyBase ? ", every base" : ", bases in turn") + ")", x, start);
            assertNoFailures(x);
        }
    }
}
