package io.nvmfs.bench;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Metadata through fs-core on a mapped /dev/shm namespace (every operation journaled and
 * persisted with msync): lookup in a directory of {@code entries} (10 is the baseline for
 * 100,000), and create+stat+unlink of 100,000 files.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MetadataBench {
    @Param({"10", "100000"})
    int entries;

    private ShmNamespace shm;
    private NvmFs fs;
    private long dir;
    private long scratchDir;
    private String[] names;
    private java.util.HashMap<String, Long> plainMap;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        shm = new ShmNamespace("meta", 1L << 30);
        Mkfs.format(shm.namespace.media(), "bench", 0, TimeSource.SYSTEM);
        fs = NvmFs.attach(shm.namespace.media(), FsOptions.defaults().withCommitMillis(0));
        dir = fs.mkdir(fs.root(), "d", 0755, Caller.ROOT).ino();
        scratchDir = fs.mkdir(fs.root(), "scratch", 0755, Caller.ROOT).ino();
        names = new String[entries];
        for (int i = 0; i < entries; i++) {
            names[i] = "entry-" + i;
            fs.mknod(dir, names[i], 0644, 0, Caller.ROOT);
        }
        plainMap = new java.util.HashMap<>();
        for (int i = 0; i < entries; i++) {
            plainMap.put(names[i], (long) i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fs.close();
        shm.close();
    }

    @Benchmark
    public long lookup() throws Exception {
        next = (next + 7919) % entries;
        return fs.lookup(dir, names[next]);
    }

    /**
     * Baseline for {@link #lookup}: the same names in the same order against a plain
     * {@code HashMap<String, Long>} of the same size. What a larger table costs in cache misses
     * on this machine, with no filesystem at all.
     */
    @Benchmark
    public Long baselineHashMapLookup() {
        next = (next + 7919) % entries;
        return plainMap.get(names[next]);
    }

    /**
     * As {@link #lookup}, but the name is built for each call, as FUSE hands the filesystem a
     * fresh string: the benchmark's own 100,000-string array no longer adds cache misses that
     * the 10-entry case does not pay.
     */
    @Benchmark
    public long lookupFreshName() throws Exception {
        next = (next + 7919) % entries;
        return fs.lookup(dir, "entry-" + next);
    }

    /** Baseline for {@link #lookupFreshName}: the same fresh names against a plain HashMap. */
    @Benchmark
    public Long baselineHashMapFreshName() {
        next = (next + 7919) % entries;
        return plainMap.get("entry-" + next);
    }

    @Benchmark
    @OperationsPerInvocation(100_000)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public void createStatUnlink100k() throws Exception {
        for (int i = 0; i < 100_000; i++) {
            fs.mknod(scratchDir, "f" + i, 0644, 0, Caller.ROOT);
        }
        for (int i = 0; i < 100_000; i++) {
            fs.getattr(fs.lookup(scratchDir, "f" + i));
        }
        for (int i = 0; i < 100_000; i++) {
            fs.unlink(scratchDir, "f" + i);
        }
    }
}
