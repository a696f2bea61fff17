package io.nvmfs.bench;

import io.nvmfs.nvmpg.Media;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The baseline for {@link AllocFreeBench}'s shm runs: one 8-byte store plus one persist, nothing else. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PersistBench {
    private ShmNamespace shm;
    private Media media;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        shm = new ShmNamespace("persist", 64L << 20);
        media = shm.namespace.media();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        shm.close();
    }

    @Benchmark
    public long storeAndPersist() {
        long off = 4096 * 16 + ((counter++ & 63) << 3);
        media.segment().set(Media.LONG, off, counter);
        media.persist(off, 8);
        return counter;
    }
}
