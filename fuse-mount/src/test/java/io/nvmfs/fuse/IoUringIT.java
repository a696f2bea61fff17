package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * -o io_uring through real mounts: requests made on each CPU are served through that CPU's ring,
 * many at once per queue; a kernel that does not allow it gets one line and a /dev/fuse mount;
 * an aborted connection ends the rings and the mount process. (Every other integration test runs
 * on the rings too, in the io-uring execution: fuse-mount/pom.xml.)
 */
class IoUringIT {
    @TempDir
    Path dir;

    /** Root can enable the kernel's FUSE io_uring (bin/test does); anyone else is told why the test cannot run. */
    private static void requireRing() {
        String why = IoUringSupport.problem();
        if (why != null && KernelMount.root()) {
            fail("FUSE over io_uring is needed and not enabled: " + why + " (bin/test enables it when run as root)");
        }
        Assumptions.assumeTrue(why == null, "needs FUSE over io_uring, which only root can enable: " + why);
    }

    private static long ringRequests(Mounted m) throws Exception {
        Mounted.Result r = Mounted.launcher(Map.of(), "stats", m.mnt.toString());
        assertEquals(0, r.exit(), r.err());
        Matcher t = Pattern.compile("\ntransport      io_uring, (\\d+) queues of 8 entries, (\\d+) requests\n").matcher(r.out());
        assertTrue(t.find(), "served over io_uring: " + r.out());
        assertEquals(IoUringSupport.possibleCpus(), Integer.parseInt(t.group(1)), "one queue per possible CPU");
        return Long.parseLong(t.group(2));
    }

    @Test
    void requestsFromEveryCpuAreServedThroughTheRingsManyAtOnce() throws Exception {
        requireRing();
        try (Mounted m = Mounted.fresh(dir, "512M", "io_uring"); Watchdog dog = m.watchdog(Duration.ofSeconds(120))) {
            long before = ringRequests(m);
            int cpus = Runtime.getRuntime().availableProcessors();
            // 8 writers per CPU, each pinned, so every queue holds several requests at once (depth 8): data
            // written and read back through the entries' payload buffers, names through their headers.
            StringBuilder script = new StringBuilder("set -e\n");
            for (int c = 0; c < cpus; c++) {
                for (int w = 0; w < 8; w++) {
                    String f = "c" + c + "w" + w;
                    script.append("taskset -c ").append(c).append(" sh -c 'head -c 3000000 /dev/urandom > src.").append(f)
                            .append("; cp src.").append(f).append(' ').append(f).append("; mkdir d.").append(f)
                            .append("; for i in $(seq 1 40); do echo $i > d.").append(f).append("/n$i; done")
                            .append("; cmp src.").append(f).append(' ').append(f).append(" && sync ").append(f).append("' &\n");
                }
            }
            script.append("wait\n");
            dog.run("pinned writers", () -> m.shOk(script.toString()));
            dog.run("check", () -> m.shOk("for f in src.*; do cmp $f ${f#src.}; done; test $(ls d.c0w0 | wc -l) = 40"));
            long served = ringRequests(m) - before;
            assertTrue(served > cpus * 8L * 40, "every create and write went through a ring: " + served + " requests");
        }
        // and the image is clean after the unmount
        Mounted.Result fsck = Mounted.nvmfs("fsck", "-n", dir.resolve("fs.img").toString());
        assertEquals(0, fsck.exit(), fsck.out() + fsck.err());
    }

    @Test
    void aKernelThatDoesNotAllowItGetsOneLineAndADevFuseMount() throws Exception {
        Assumptions.assumeTrue(KernelMount.root() && Files.exists(IoUringSupport.ENABLE),
                "needs root to turn " + IoUringSupport.ENABLE + " off and on again");
        String was = Files.readString(IoUringSupport.ENABLE).trim();
        Files.writeString(IoUringSupport.ENABLE, "N");
        try {
            Files.createDirectories(dir.resolve("mnt"));
            Path image = dir.resolve("fs.img");
            assertEquals(0, Mounted.nvmfs("mkfs", "--size", "64M", image.toString()).exit());
            Mounted.Result r = Mounted.nvmfs("mount", image.toString(), dir.resolve("mnt").toString(), "-o", "io_uring");
            assertEquals(0, r.exit(), r.err());
            assertEquals("nvmfs: -o io_uring: " + IoUringSupport.ENABLE + " is N (root can write Y to it); serving over /dev/fuse",
                    r.err().strip(), "one line says so");
            try (Mounted m = Mounted.existingMounted(dir)) {
                m.shOk("echo still > f && test $(cat f) = still");
                Mounted.Result s = Mounted.launcher(Map.of(), "stats", m.mnt.toString());
                assertTrue(s.out().contains("\ntransport      /dev/fuse (io_uring asked: " + IoUringSupport.ENABLE + " is N"), s.out());
            }
        } finally {
            Files.writeString(IoUringSupport.ENABLE, was.equals("Y") || was.equals("1") ? "Y" : "N");
        }
    }

    @Test
    void anAbortedConnectionEndsTheRingsAndTheMountProcess() throws Exception {
        requireRing();
        try (Mounted m = Mounted.fresh(dir, "256M", "io_uring")) {
            ringRequests(m);
            long pid = m.mountPid();
            Process writers = new ProcessBuilder("sh", "-c", "for i in 1 2 3 4; do dd if=/dev/zero of=f$i bs=64k count=100000"
                    + " 2>/dev/null & done; wait").directory(m.mnt.toFile()).start();
            Thread.sleep(500); // requests in the rings, and in flight in nvmfs
            m.abortConnection();
            assertTrue(writers.waitFor(30, TimeUnit.SECONDS), "the writers' requests all ended with the connection");
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            if (h != null) {
                h.onExit().get(30, TimeUnit.SECONDS); // TimeoutException: a ring thread or /dev/fuse thread did not end
            }
            assertTrue(ProcessHandle.of(pid).isEmpty(), "the mount process ended");
        }
        Mounted.Result again = Mounted.nvmfs("mount", dir.resolve("fs.img").toString(), dir.resolve("mnt").toString(), "-o",
                "io_uring");
        assertEquals(0, again.exit(), "the image mounts again after the abort: " + again.err());
        try (Mounted m = Mounted.existingMounted(dir)) {
            m.shOk("ls > /dev/null");
            assertTrue(ringRequests(m) > 0);
        }
    }
}
