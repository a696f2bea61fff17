package io.nvmfs.bench;

import io.nvmfs.nvmpg.Block;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import java.util.List;
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

/**
 * Attach of a 1 TiB namespace (sparse file in /dev/shm) holding 1,000,000 records: target < 1 s.
 * Baseline in the same run: merely reading every word of every record page once, the floor any
 * attach that looks at every record must pay.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx4g"})
public class AttachBench {
    static final long TIB = 1L << 40;
    static final int RECORDS = 1_000_000;

    private ShmNamespace shm;
    private Media media;
    private long[] recordPages;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        shm = new ShmNamespace("attach", TIB);
        media = shm.namespace.media();
        NvmPages pg = MillionRecords.populate(media, RECORDS);
        List<Block> rps = pg.records(pg.allocatorOwner());
        recordPages = rps.stream().mapToLong(Block::page).toArray();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        shm.close();
    }

    @Benchmark
    public NvmPages attach() throws Exception {
        return NvmPages.attach(media);
    }

    @Benchmark
    public long baselineReadEveryRecordWord() {
        long sum = 0;
        for (long page : recordPages) {
            long base = page << 12;
            for (int off = 0; off < 4096; off += 8) {
                sum += media.segment().get(Media.LONG, base + off);
            }
        }
        return sum;
    }
}
