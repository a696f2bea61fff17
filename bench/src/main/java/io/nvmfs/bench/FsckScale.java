package io.nvmfs.bench;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.Mode;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.fsck.Fsck;
import io.nvmfs.fsck.RepairMode;
import io.nvmfs.nvmpg.Media;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;

/**
 * Not JMH (the setup is a million files): a full {@code fsck -fn} of a filesystem holding
 * 1,000,000 files in 1,000 directories, each file with one data extent, run in this JVM, which
 * the script starts with {@code -Xmx512m} (the heap bound). Prints the median of 3
 * checks and the heap in use after a GC during and after them.
 * Run: {@code java -Xmx512m -cp bench/target/benchmarks.jar io.nvmfs.bench.FsckScale}
 */
public final class FsckScale {
    public static void main(String[] args) throws Exception {
        int dirs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perDir = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        try (ShmNamespace shm = new ShmNamespace("fsckscale", 8L << 30)) {
            Media media = shm.namespace.media();
            Mkfs.format(media, "bench", 0, TimeSource.SYSTEM);
            NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
            MemorySegment one = MemorySegment.ofArray(new byte[] {42});
            long t0 = System.nanoTime();
            for (int d = 0; d < dirs; d++) {
                long dir = fs.mkdir(fs.root(), "d" + d, 0755, Caller.ROOT).ino();
                for (int f = 0; f < perDir; f++) {
                    NvmFs.Created c = fs.create(dir, "file-" + f, Mode.S_IFREG | 0644, 2, Caller.ROOT);
                    fs.write(c.fh(), 0, one, 0, 1);
                    fs.release(c.fh());
                }
            }
            fs.close();
            System.out.printf("created %,d files with one extent each in %.1f s%n", (long) dirs * perDir,
                    (System.nanoTime() - t0) / 1e9);
            java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            PrintStream quiet = new PrintStream(said, true);
            System.gc();
            java.lang.management.ManagementFactory.getMemoryPoolMXBeans().forEach(
                    java.lang.management.MemoryPoolMXBean::resetPeakUsage);
            double[] secs = new double[3];
            for (int r = 0; r < secs.length; r++) {
                System.gc();
                long s0 = System.nanoTime();
                int exit;
                try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
                    exit = Fsck.quiet(new Fsck.Options(RepairMode.NO, true, false, "bench"), quiet).run(media, false, w);
                }
                secs[r] = (System.nanoTime() - s0) / 1e9;
                String[] lines = said.toString().split("\n");
                System.out.printf("fsck -fn run %d: %.2f s, exit %d, %s%n", r + 1, secs[r], exit, lines[lines.length - 1]);
                said.reset();
            }
            java.util.Arrays.sort(secs);
            Runtime rt = Runtime.getRuntime();
            System.gc();
            System.out.printf("fsck -fn of %,d files: median %.2f s; max heap %d MiB; peak heap used during the checks %d MiB%n",
                    (long) dirs * perDir, secs[1], rt.maxMemory() >> 20, peakHeapMiB());
        }
    }

    private static long peakHeapMiB() {
        long peak = 0;
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
