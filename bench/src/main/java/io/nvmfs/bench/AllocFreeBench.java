package io.nvmfs.bench;

import io.nvmfs.nvmpg.FormatOptions;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.Owner;
import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * alloc+free pairs per second. {@code persistence=none} measures the allocator's own CPU cost
 * (target: 5 M pairs/s single-threaded at order 0); {@code persistence=shm} maps a file in
 * /dev/shm and msyncs every commit, to be read next to {@link PersistBench} from the same run.
 * Threads come from the command line (-t 1, -t 2); all threads share one allocator and owner,
 * which already holds 10,000 blocks, as a filesystem's data owner would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AllocFreeBench {
    @Param({"0", "4", "9"})
    int order;

    @Param({"none", "shm"})
    String persistence;

    private Arena arena;
    private ShmNamespace shm;
    private NvmPages pages;
    private Owner owner;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        long size = 8L << 30;
        Media media;
        if (persistence.equals("none")) {
            arena = Arena.ofShared();
            media = Media.ofMemory(arena.allocate(size, 4096), Persistence.NONE);
        } else {
            shm = new ShmNamespace("allocfree", size);
            media = shm.namespace.media();
        }
        pages = NvmPages.format(media, FormatOptions.of("bench"));
        owner = pages.openOwner(UUID.randomUUID(), "fs-data");
        for (int i = 0; i < 10_000; i++) {
            pages.alloc(owner, 0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (arena != null) {
            arena.close();
        }
        if (shm != null) {
            shm.close();
        }
    }

    @Benchmark
    public long allocFree() throws Exception {
        long page = pages.alloc(owner, order);
        pages.free(owner, page, order);
        return page;
    }
}
