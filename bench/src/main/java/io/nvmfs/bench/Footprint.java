package io.nvmfs.bench;

import io.nvmfs.nvmpg.FormatOptions;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.Owner;
import io.nvmfs.nvmpg.Persistence;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not a timing: what the allocator costs in DRAM and in persists, printed with the baselines.
 * <ul>
 * <li>DRAM per TiB, empty and at 1,000,000 records: the allocator's own account of its arrays,
 *     and the heap growth measured around an attach (GC before and after, the result held).
 *     Baselines: the 32 MiB/TiB budget, and the 16 GiB/TiB of a 64-byte struct page per 4 KiB.</li>
 * <li>Persist calls per alloc and per free, steady state and when a record page is opened.</li>
 * </ul>
 * Run: {@code java -cp bench/target/benchmarks.jar io.nvmfs.bench.Footprint}
 */
public final class Footprint {
    private static final double MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        dram("empty", 0);
        dram("1M records", AttachBench.RECORDS);
        persists();
    }

    private static void dram(String what, int records) throws Exception {
        try (ShmNamespace shm = new ShmNamespace("footprint", AttachBench.TIB)) {
            Media media = shm.namespace.media();
            if (records == 0) {
                NvmPages.format(media, FormatOptions.of("empty"));
            } else {
                MillionRecords.populate(media, records);
            }
            long before = usedHeapAfterGc();
            NvmPages pg = NvmPages.attach(media);
            long after = usedHeapAfterGc();
            long accounted = pg.stats().dramBytes();
            double perTibMeasured = (after - before) / MIB;
            System.out.printf("DRAM per TiB, %-10s: accounted %.2f MiB, measured heap growth %.2f MiB;"
                            + " ratio to 32 MiB budget %.3f; ratio to struct-page 16 GiB %.5f%n",
                    what, accounted / MIB, perTibMeasured, Math.max(accounted, after - before) / (32 * MIB),
                    Math.max(accounted, after - before) / (16384 * MIB));
            System.out.printf("  (free pages %d, free blocks by order %s)%n", pg.freePages(), pg.stats().freeBlocks());
            if (pg.freePages() < 0) {
                throw new AssertionError();
            }
        }
    }

    private static void persists() throws Exception {
        LongAdder calls = new LongAdder();
        Persistence counting = (off, len) -> calls.increment();
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            Media media = Media.ofMemory(arena.allocate(1L << 30, 4096), counting);
            NvmPages pg = NvmPages.format(media, FormatOptions.of("count"));
            Owner o = pg.openOwner(UUID.randomUUID(), "fs-data");
            for (int i = 0; i < 10_000; i++) {
                pg.alloc(o, 0);
            }
            int pairs = 100_000;
            calls.reset();
            for (int i = 0; i < pairs; i++) {
                long p = pg.alloc(o, 0);
                pg.free(o, p, 0);
            }
            System.out.printf("persist calls per alloc or free (steady state, owner holding 10,000 blocks): %.3f%n",
                    calls.sum() / (2.0 * pairs));
            calls.reset();
            int allocs = 504 * 200;
            for (int i = 0; i < allocs; i++) {
                pg.alloc(o, 0);
            }
            System.out.printf("persist calls per alloc while growing (opens a record page every 504): %.3f%n",
                    calls.sum() / (double) allocs);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
