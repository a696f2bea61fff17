package io.nvmfs.bench;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsException;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Not JMH (a measurement of space, not time): files of random sizes, log-uniform from 1 KiB to
 * 64 MiB, each written in 1 MiB appends and closed, into a fresh namespace until ENOSPC; reports
 * the bytes stored (sum of the sizes of the files that were completely written) over the
 * namespace size. Seeded; the same seed gives the same file sizes on any build.
 * Run: {@code java -cp bench/target/benchmarks.jar io.nvmfs.bench.FillRatio [GiB] [seed]}
 */
public final class FillRatio {
    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 4) << 30;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        try (ShmNamespace shm = new ShmNamespace("fill", bytes); Arena arena = Arena.ofConfined()) {
            Media media = shm.namespace.media();
            Mkfs.format(media, "fill", 0, TimeSource.SYSTEM);
            NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
            Random rnd = new Random(seed);
            MemorySegment chunk = arena.allocate(1 << 20);
            long stored = 0;
            int files = 0;
            outer:
            while (true) {
                long size = (long) Math.exp(Math.log(1024) + rnd.nextDouble() * (Math.log(64L << 20) - Math.log(1024)));
                NvmFs.Created c;
                try {
                    c = fs.create(fs.root(), "f" + files, 0644, 2 | 0100, Caller.ROOT);
                } catch (FsException full) {
                    break;
                }
                for (long off = 0; off < size; off += chunk.byteSize()) {
                    int n = (int) Math.min(chunk.byteSize(), size - off);
                    try {
                        if (fs.write(c.fh(), off, chunk, 0, n) < n) {
                            fs.release(c.fh());
                            break outer;
                        }
                    } catch (FsException full) {
                        fs.release(c.fh());
                        break outer;
                    }
                }
                fs.release(c.fh());
                stored += size;
                files++;
            }
            fs.close();
            System.out.printf("fill: %d files of 1 KiB..64 MiB (seed %d) until ENOSPC: %,d bytes stored in a %,d-byte"
                    + " namespace = %.3f%n", files, seed, stored, bytes, (double) stored / bytes);
        }
    }
}
