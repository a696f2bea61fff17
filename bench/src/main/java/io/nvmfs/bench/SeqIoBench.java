package io.nvmfs.bench;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * Sequential write and read of 1 GiB through fs-core, in calls of {@code chunk} bytes, next to
 * the baseline of the same run: plain {@code MemorySegment.copy} of the same bytes in the same
 * chunks between the same source buffer and the same mapped namespace (a file in /dev/shm).
 * fs-core's write includes allocating extents (the file is truncated to 0 before each write
 * pass); {@code writeFsync} adds the fsync that persists the gigabyte and commits it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
public class SeqIoBench {
    static final long GIB = 1L << 30;

    @Param({"4096", "131072", "1048576"})
    int chunk;

    private ShmNamespace shm;
    private NvmFs fs;
    private long fh;
    private Arena arena;
    private MemorySegment buffer;
    private MemorySegment scratch;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        shm = new ShmNamespace("seqio", 3L << 30);
        Mkfs.format(shm.namespace.media(), "bench", 0, TimeSource.SYSTEM);
        fs = NvmFs.attach(shm.namespace.media(), FsOptions.defaults().withCommitMillis(0));
        fh = fs.create(fs.root(), "big", 0644, 2 | 0100, Caller.ROOT).fh();
        arena = Arena.ofShared();
        buffer = arena.allocate(chunk, 4096);
        for (int i = 0; i < chunk; i++) {
            buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
        // The baseline copies into a region of the same mapping that fs-core does not use.
        scratch = shm.namespace.media().segment().asSlice(shm.namespace.size() - GIB - (64L << 20), GIB);
        writePass();
        fs.fsync(fh, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fs.release(fh);
        fs.close();
        shm.close();
        arena.close();
    }

    private void writePass() throws Exception {
        for (long off = 0; off < GIB; off += chunk) {
            fs.write(fh, off, buffer, 0, chunk);
        }
    }

    @Benchmark
    public void write() throws Exception {
        fs.truncate(fs.inodeOf(fh), 0);
        writePass();
    }

    @Benchmark
    public void writeFsync() throws Exception {
        fs.truncate(fs.inodeOf(fh), 0);
        writePass();
        fs.fsync(fh, false);
    }

    @Benchmark
    public long read() throws Exception {
        long sum = 0;
        for (long off = 0; off < GIB; off += chunk) {
            sum += fs.read(fh, off, buffer, 0, chunk);
        }
        return sum;
    }

    @Benchmark
    public void baselineCopyIn() {
        for (long off = 0; off < GIB; off += chunk) {
            MemorySegment.copy(buffer, 0, scratch, off, chunk);
        }
    }

    @Benchmark
    public void baselineCopyOut() {
        for (long off = 0; off < GIB; off += chunk) {
            MemorySegment.copy(scratch, off, buffer, 0, chunk);
        }
    }
}
