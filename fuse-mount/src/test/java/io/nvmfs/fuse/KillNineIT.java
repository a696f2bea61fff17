package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Crash safety at the mount level: four threads run random file operations through a real mount
 * ({@link KillNineWorkload}), the mount process is killed with SIGKILL after a random 0.5-3 s,
 * and the same image is mounted again. Then the mount must succeed, every fsync'd file not
 * changed since must hold exactly its content, and every name change that had returned must be
 * there; after a clean unmount {@code nvmfs fsck -n -f} must find the image clean. Repeated
 * {@code -Dnvmfs.kill9.crashes} times (default 5, for CI; 100 for a long run), with
 * {@code -Dnvmfs.kill9.seed} to repeat a run's choices (the threads' interleaving differs). The
 * image is on /dev/shm: msync there costs nothing, so the time goes to the workload.
 *
 * <p>The model lives in this JVM, outside the mount; each crash's claims (the fsync'd names and
 * their SHA-256) are also written beside the image, for a report when something is lost.
 */
class KillNineIT {
    private static final int THREADS = 4;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void killMinus9DuringARandomWorkloadLosesNoFsyncedFile() throws Exception {
        int crashes = Integer.getInteger("nvmfs.kill9.crashes", 5);
        long seed = Long.getLong("nvmfs.kill9.seed", System.nanoTime());
        Path base = Files.createTempDirectory(Path.of("/dev/shm"), "nvmfs-kill9-");
        long started = System.nanoTime();
        int fsynced = 0;
        int lost = 0;
        int wrong = 0;
        int metadata = 0;
        int failedRemounts = 0;
        long ops = 0;
        List<Integer> fsckExits = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Throwable> workerErrors = new ArrayList<>();
        Mounted m = Mounted.fresh(base, "256M");
        try {
            List<KillNineWorkload> loads = new ArrayList<>();
            try (Watchdog w = m.watchdog(LIMIT)) {
                for (int t = 0; t < THREADS; t++) {
                    Path own = m.mnt.resolve("t" + t);
                    w.run("mkdir " + own, () -> Files.createDirectory(own));
                    loads.add(new KillNineWorkload(own, seed * 31 + t));
                }
            }
            for (int crash = 1; crash <= crashes && failedRemounts == 0 && workerErrors.isEmpty(); crash++) {
                Random r = new Random(seed + crash);
                long runMillis = 500 + r.nextInt(2501);
                AtomicBoolean killing = new AtomicBoolean();
                long opsBefore = loads.stream().mapToLong(l -> l.ops).sum();
                try (Watchdog w = m.watchdog(LIMIT)) {
                    List<Thread> threads = new ArrayList<>();
                    List<AtomicReference<Throwable>> results = new ArrayList<>();
                    for (KillNineWorkload load : loads) {
                        AtomicReference<Throwable> result = new AtomicReference<>();
                        results.add(result);
                        threads.add(Thread.ofPlatform().name("kill9-" + load.dir.getFileName()).start(() -> result.set(load.run(w, killing))));
                    }
                    Thread.sleep(runMillis);
                    killing.set(true); // from here a failed call is the dying mount
                    ProcessHandle mount = ProcessHandle.of(m.mountPid()).orElseThrow();
                    mount.destroyForcibly();
                    mount.onExit().get(60, TimeUnit.SECONDS);
                    for (Thread t : threads) {
                        t.join(TimeUnit.SECONDS.toMillis(60)); // the dead mount answers ENOTCONN at once; the watchdog bounds the rest
                        assertTrue(!t.isAlive(), t.getName() + " did not stop after the kill");
                    }
                    results.stream().map(AtomicReference::get).filter(e -> e != null).forEach(workerErrors::add);
                    loads.forEach(KillNineWorkload::abandonDescriptors);
                }
                // Only now: a worker still running after the lazy unmount would write into the bare mount point.
                Mounted.run(List.of("fusermount", "-u", "-z", m.mnt.toString()));
                ops += loads.stream().mapToLong(l -> l.ops).sum() - opsBefore;
                try {
                    m.mount();
                } catch (AssertionError e) {
                    failedRemounts++;
                    problems.add("crash " + crash + ": remount failed: " + e.getMessage());
                    Mounted.Result fsck = Mounted.nvmfs("fsck", "-n", "-f", m.image.toString());
                    fsckExits.add(fsck.exit());
                    problems.add("crash " + crash + ": fsck -n -f after the failed remount (exit " + fsck.exit() + "): " + fsck.out() + fsck.err());
                    break;
                }
                int crashFsynced = 0;
                int crashProblems = problems.size();
                try (Watchdog w = m.watchdog(LIMIT)) {
                    for (KillNineWorkload load : loads) {
                        Files.write(base.resolve("claims-" + crash + "-" + load.dir.getFileName()), load.claims());
                        KillNineWorkload.Check c = load.verify(w);
                        crashFsynced += c.fsynced();
                        lost += c.lost();
                        wrong += c.wrong();
                        metadata += c.metadata();
                        for (String p : c.problems()) {
                            problems.add("crash " + crash + ": " + p);
                        }
                        load.rebuild(w);
                    }
                }
                fsynced += crashFsynced;
                m.ok("umount", m.mnt.toString()); // returns once persisted and the namespace lock is released
                Mounted.Result fsck = Mounted.nvmfs("fsck", "-n", "-f", m.image.toString());
                fsckExits.add(fsck.exit());
                if (fsck.exit() != 0) {
                    problems.add("crash " + crash + ": fsck -n -f exit " + fsck.exit() + ": " + fsck.out() + fsck.err());
                }
                System.out.printf("kill9 crash %d/%d: killed after %d ms, %d operations, %d fsync'd files checked, %d problems,"
                        + " fsck %d%n", crash, crashes, runMillis, loads.stream().mapToLong(l -> l.ops).sum() - opsBefore,
                        crashFsynced, problems.size() - crashProblems, fsck.exit());
                m.mount();
            }
        } finally {
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("kill9 seed %d: crashes %d, operations %d, fsync'd files checked %d, lost %d, wrong %d,"
                            + " metadata %d, failed remounts %d, fsck exits (exit=count) %s, %.1f s%n", seed, fsckExits.size(), ops,
                    fsynced, lost, wrong, metadata, failedRemounts, counts(fsckExits), seconds);
            problems.forEach(p -> System.out.println("kill9 problem: " + p));
            try {
                m.close();
            } finally {
                if (problems.isEmpty() && workerErrors.isEmpty()) {
                    deleteTree(base);
                } else {
                    System.out.println("kill9: image and claims kept in " + base);
                }
            }
        }
        if (!workerErrors.isEmpty()) {
            AssertionError e = new AssertionError("operations failed before any kill (seed " + seed + ")", workerErrors.get(0));
            workerErrors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        assertEquals(List.of(), problems, "seed " + seed);
        assertTrue(fsynced > 0, "the workload fsync'd nothing: it checked nothing");
    }

    private static Map<Integer, Integer> counts(List<Integer> exits) {
        Map<Integer, Integer> c = new TreeMap<>();
        exits.forEach(e -> c.merge(e, 1, Integer::sum));
        return c;
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
