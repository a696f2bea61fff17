package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collections forced in the JVM that serves a mount, while several threads use the
 * mount: every request must still be answered. Found when libfuse called into Java through
 * jnr-ffi closures, which jnr holds only weakly: a collection freed them and the next request
 * died inside jnr before any nvmfs code ran (its caller then waited forever in D state, and its
 * serving thread was gone). nvmfs now reads and answers requests on its own threads, with no
 * callbacks; this keeps the whole class covered — buffers, handles and threads must survive any
 * collection. A small heap makes collections frequent on their own besides the forced ones. A {@link Watchdog} turns a lost request into a failure within 30 s.
 */
class GcStressIT {
    private static final int WORKERS = 4;
    private static final int FORCED_GCS = 30;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void forcedCollectionsUnderLoadLoseNoRequest() throws Exception {
        try (Mounted m = Mounted.freshWithJvm(dir, "256M", "-Xmx64m", "cache_size=16M");
             Watchdog dog = m.watchdog(LIMIT)) {
            long pid = m.mountPid();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int seed = w;
                Path own = dog.call("mkdir w" + seed, () -> Files.createDirectory(m.mnt.resolve("w" + seed)));
                workers.add(Thread.ofPlatform().name("gc-load-" + w).start(() -> {
                    try {
                        load(dog, own, seed, stop);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            int forced = 0;
            for (; forced < FORCED_GCS && failures.isEmpty() && dog.tripped() == null; forced++) {
                long before = dog.completed();
                Mounted.Result r = Mounted.run(List.of(jcmd(), Long.toString(pid), "GC.run"));
                assertEquals(0, r.exit(), "jcmd GC.run failed: " + r.err() + r.out());
                awaitProgress(dog, before + WORKERS * 4L, failures); // requests served after this collection
            }
            stop.set(true);
            for (Thread t : workers) {
                t.join(LIMIT.multipliedBy(2)); // the watchdog has aborted a call stuck for LIMIT by then
                if (t.isAlive()) {
                    failures.add(new AssertionError(t.getName() + " is still in a call after the watchdog's limit"));
                }
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("a load thread failed after " + forced + " forced GCs", failures.peek());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(FORCED_GCS, forced);
            BasicFileAttributes root = dog.call("stat of the mount point",
                    () -> Files.readAttributes(m.mnt, BasicFileAttributes.class));
            assertTrue(root.isDirectory());
            dog.run("a file made after the last GC", () -> Files.writeString(m.mnt.resolve("after"), "still serving"));
            int alive = servingThreads(pid);
            System.out.printf("GcStressIT: %d filesystem calls completed by %d threads, %d forced GCs in the mount JVM"
                    + " (-Xmx64m), %d of %d serving threads alive at the end%n",
                    dog.completed(), WORKERS, forced, alive, MountCommand.THREADS);
            assertEquals(MountCommand.THREADS, alive, "serving threads alive after the forced GCs");
        }
    }

    /** Until {@code stop}: create, write, stat, read back, list, unlink, each through the watchdog. */
    private static void load(Watchdog dog, Path own, int seed, AtomicBoolean stop) throws Exception {
        Random random = new Random(seed);
        for (long i = 0; !stop.get(); i++) {
            Path f = own.resolve("f" + (i % 8));
            byte[] data = new byte[1 + random.nextInt(64 << 10)];
            random.nextBytes(data);
            dog.run("write " + f, () -> Files.write(f, data));
            BasicFileAttributes a = dog.call("stat " + f, () -> Files.readAttributes(f, BasicFileAttributes.class));
            assertEquals(data.length, a.size(), "size of " + f);
            assertArrayEquals(data, dog.call("read " + f, () -> Files.readAllBytes(f)), "contents of " + f);
            dog.call("list " + own, () -> {
                try (Stream<Path> s = Files.list(own)) {
                    return s.count();
                }
            });
            if (i % 3 == 0) {
                dog.run("unlink " + f, () -> Files.delete(f));
            }
        }
    }

    /** Waits until the load has made {@code target} calls (or failed): each collection is followed by served requests. */
    private static void awaitProgress(Watchdog dog, long target, ConcurrentLinkedQueue<Throwable> failures)
            throws InterruptedException {
        while (dog.completed() < target && failures.isEmpty() && dog.tripped() == null) {
            Thread.sleep(10);
        }
    }

    /** Threads of the mount JVM named nvmfs-fuse-N (Session's serving threads), from a thread dump. */
    private static int servingThreads(long pid) throws Exception {
        Mounted.Result r = Mounted.run(List.of(jcmd(), Long.toString(pid), "Thread.print"));
        assertEquals(0, r.exit(), "jcmd Thread.print failed: " + r.err());
        return (int) r.out().lines().filter(l -> l.startsWith("\"nvmfs-fuse-")).count();
    }

    private static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }
}
