package io.nvmfs.bench;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;

/**
 * Not JMH (the setup is a million files): attach time of a filesystem holding 1,000,000 files
 * after a clean detach, and after an abandon (no detach, as kill -9) with the journal as full as
 * a run of metadata operations leaves it. Median of 5 attaches each, on /dev/shm.
 * Run: {@code java -cp bench/target/benchmarks.jar io.nvmfs.bench.FsAttachTime}
 */
public final class FsAttachTime {
    public static void main(String[] args) throws Exception {
        try (ShmNamespace shm = new ShmNamespace("fsattach", 2L << 30)) {
            Media media = shm.namespace.media();
            Mkfs.format(media, "bench", 0, TimeSource.SYSTEM);
            FsOptions opts = FsOptions.defaults().withCommitMillis(0);
            NvmFs fs = NvmFs.attach(media, opts);
            long t0 = System.nanoTime();
            for (int d = 0; d < 1000; d++) {
                long dir = fs.mkdir(fs.root(), "d" + d, 0755, Caller.ROOT).ino();
                for (int f = 0; f < 1000; f++) {
                    fs.mknod(dir, "file-" + f, 0644, 0, Caller.ROOT);
                }
            }
            System.out.printf("created 1,000,000 files in %.1f s (%.0f creates/s, msync-persisted journal)%n",
                    (System.nanoTime() - t0) / 1e9, 1e6 / ((System.nanoTime() - t0) / 1e9));
            fs.close();
            System.out.printf("attach after clean detach: median %.1f ms%n", medianAttachMs(media, opts, false));
            fs = NvmFs.attach(media, opts);
            NvmFs.JournalStats js = fs.journalStats();
            long dir = fs.lookup(fs.root(), "d0");
            int i = 0;
            while (js.usedBytes() < js.capacityBytes() * 9 / 10) {
                fs.chmod(fs.lookup(dir, "file-" + (i++ % 1000)), 0600 | (i & 077));
                js = fs.journalStats();
            }
            System.out.printf("journal filled to %d of %d bytes by %d transactions, then abandoned%n",
                    js.usedBytes(), js.capacityBytes(), i);
            System.out.printf("attach after abandon with a full journal (replay + leak scan): median %.1f ms%n",
                    medianAttachMs(media, opts, true));
        }
    }

    /** Each attach after an abandon must find the same dirty state: snapshot and restore the image around it. */
    private static double medianAttachMs(Media media, FsOptions opts, boolean dirty) throws Exception {
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
        java.lang.foreign.MemorySegment saved = null;
        if (dirty) {
            saved = arena.allocate(media.size(), 4096);
            saved.copyFrom(media.segment());
        }
        double[] ms = new double[5];
        for (int r = 0; r < ms.length; r++) {
            if (dirty) {
                media.segment().copyFrom(saved);
            }
            long t0 = System.nanoTime();
            NvmFs fs = NvmFs.attach(media, opts);
            ms[r] = (System.nanoTime() - t0) / 1e6;
            if (!dirty) {
                fs.close();
            }
        }
        arena.close();
        java.util.Arrays.sort(ms);
        return ms[2];
    }
}
