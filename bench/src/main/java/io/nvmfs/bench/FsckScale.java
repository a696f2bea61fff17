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
 * 1,000,000 files in 1,000 directories, each file with E data extents (default 1), run in this
 * JVM, which the script starts with {@code -Xmx512m} (the heap bound). Prints the median
 * of 3 checks and the peak heap in use during them.
 *
 * <p>Extents after the first are single pages fallocated with KEEP_SIZE past EOF, one page
 * apart so no two merge: fs-core neither zeroes nor writes pages past EOF, so 10,000,000
 * extents cost records, inode and extent-page metadata but leave the 40 GiB of data pages they
 * name untouched in the sparse namespace file (tmpfs holds only what is written).
 * Run: {@code java -Xmx512m -cp bench/target/benchmarks.jar io.nvmfs.bench.FsckScale [dirs perDir extents]}
 */
public final class FsckScale {
    private static final int KEEP_SIZE = 0x01; // FALLOC_FL_KEEP_SIZE
    public static void main(String[] args) throws Exception {
        int dirs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perDir = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int extents = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long files = (long) dirs * perDir;
        // Data pages, one extent page per file past 7 extents, the inode table, and room to spare.
        long pages = files * extents + (extents > 7 ? files : 0) + files / 8 + (1L << 20);
        try (ShmNamespace shm = new ShmNamespace("fsckscale", Math.max(8L << 30, Long.highestOneBit(pages) << 13))) {
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
                    for (int e = 1; e < extents; e++) {
                        fs.fallocate(c.fh(), KEEP_SIZE, 2L * e * 4096, 4096);
                    }
                    fs.release(c.fh());
                }
            }
            fs.close();
            System.out.printf("created %,d files with %d extent(s) each in %.1f s (namespace %d GiB, sparse)%n", files,
                    extents, (System.nanoTime() - t0) / 1e9, media.size() >> 30);
            java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            PrintStream quiet = new PrintStream(said, true);
            System.gc();
            LiveHeap live = new LiveHeap();
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
            System.out.printf("fsck -fn of %,d files, %,d extents: median %.2f s; max heap %d MiB;"
                    + " largest heap left after a GC during the checks %d MiB (%d GCs)%n",
                    files, files * extents, secs[1], rt.maxMemory() >> 20, live.peakMiB(), live.collections());
        }
    }

    /**
     * The heap in use right after each collection, the closest measure of what the checks keep
     * live (the sum of per-pool peaks overstates it: the pools peak at different times).
     */
    private static final class LiveHeap {
        private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        private final java.util.Set<String> heapPools = new java.util.HashSet<>();

        LiveHeap() {
            for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == java.lang.management.MemoryType.HEAP) {
                    heapPools.add(p.getName());
                }
            }
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener((n, h) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapPools.contains(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed()).sum();
                    peak.accumulateAndGet(used, Math::max);
                    count.incrementAndGet();
                }, null, null);
            }
        }

        long peakMiB() {
            return peak.get() >> 20;
        }

        int collections() {
            return count.get();
        }
    }
}
