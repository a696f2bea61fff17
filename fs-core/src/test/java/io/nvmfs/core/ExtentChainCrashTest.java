package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crash explorer over extent-chain pages changed in place ({@link ExtentChainWriter}): from
 * {@link CrashBases#LONG_CHAIN}, whose /A/bar has a chain of several pages, one- and two-operation
 * workloads of {@link CrashOps#chainOps}, which change, split, empty and free chain pages. Every
 * crash state must attach, be consistent (no page both free and referenced, no leak) and show
 * each operation done or not.
 */
class ExtentChainCrashTest {
    /** Those that free few records (each freed record adds persist points, so many states). */
    private static final java.util.Set<String> CHEAP = CrashOps.CHEAP_CHAIN_OPS;

    /**
     * Every one-operation workload; every pair of the cheap ones, and each costly one (a punch
     * freeing a page's worth of records, the unlink freeing 600) after and before a cheap one
     * that changes the chain. {@code -Dnvmfs.crash.long=true}: every pair, and more subsets of
     * the unpersisted words at each persist point.
     */
    @Test
    void everyCrashStateOfOneAndTwoChainOperationsIsConsistent() {
        boolean all = Boolean.getBoolean("nvmfs.crash.long");
        List<CrashOps.Op> ops = CrashOps.chainOps();
        List<List<CrashOps.Op>> workloads = new ArrayList<>();
        for (CrashOps.Op a : ops) {
            workloads.add(List.of(a));
            for (CrashOps.Op b : ops) {
                boolean cheapA = CHEAP.contains(a.name());
                boolean cheapB = CHEAP.contains(b.name());
                if (all || (cheapA && cheapB) || (cheapA != cheapB && (a.name().startsWith("reserve-hole")
                        || b.name().startsWith("punch-one")))) {
                    workloads.add(List.of(a, b));
                }
            }
        }
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            CrashExplorer x = all ? new CrashExplorer(arena, 4, 4, 20261201L) : new CrashExplorer(arena, 2, 2, 20261201L);
            for (List<CrashOps.Op> w : workloads) {
                x.explore(CrashBases.LONG_CHAIN, w);
            }
            System.out.printf("crash explorer long-chain: %d workloads, %d crash states, %d failures, %.1f s%n",
                    x.workloads(), x.states(), x.failures().size(), (System.nanoTime() - start) / 1e9);
            assertEquals(List.of(), x.failures().subList(0, Math.min(3, x.failures().size())),
                    x.failures().size() + " crash states failed");
        }
    }
}
