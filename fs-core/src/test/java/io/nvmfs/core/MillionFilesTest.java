package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A namespace with 1,000,000 files works within a 256 MiB heap. Runs in its own surefire
 * execution whose JVM has -Xmx256m (see fs-core/pom.xml); the test checks that limit is in force.
 */
class MillionFilesTest {
    private static final int DIRS = 1000;
    private static final int PER_DIR = 1000;

    @Test
    void aMillionFilesInA256MiBHeap() throws Exception {
        long maxHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        assertTrue(maxHeap <= 256L << 20, "this test must run with -Xmx256m, runs with " + (maxHeap >> 20) + " MiB");
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 1L << 30);
            NvmFs fs = t.fs;
            for (int d = 0; d < DIRS; d++) {
                long dir = fs.mkdir(fs.root(), "d" + d, 0755, Caller.ROOT).ino();
                for (int f = 0; f < PER_DIR; f++) {
                    fs.mknod(dir, "file-" + f, 0644, 0, Caller.ROOT);
                }
            }
            long t0 = System.nanoTime();
            fs = t.remount();
            long attachMs = (System.nanoTime() - t0) / 1_000_000;
            long files = 0;
            for (int d = 0; d < DIRS; d++) {
                long dir = fs.lookup(fs.root(), "d" + d);
                files += fs.readdir(dir, 2, Integer.MAX_VALUE).size();
                assertTrue(fs.lookup(dir, "file-" + (d % PER_DIR)) > 0);
            }
            assertEquals((long) DIRS * PER_DIR, files);
            System.out.println("1,000,000 files: clean detach + attach " + attachMs + " ms, heap used "
                    + (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20) + " MiB of "
                    + (maxHeap >> 20));
            fs.close();
        }
    }
}
