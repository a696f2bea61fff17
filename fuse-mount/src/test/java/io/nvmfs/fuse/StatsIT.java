package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nvmfs stats MOUNTPOINT} through bin/nvmfs, answered by the mount process over its Unix
 * socket: the serving pid, namespace and mode, nonzero counts of the requests a workload made,
 * journal fill and free blocks per order; --json parses and has the same fields; the socket is
 * gone after unmount, and a killed mount's stale socket is one line naming the mount point.
 * Every option the mount runs with is listed, nvmfs's own too, defaults included.
 */
class StatsIT {
    @TempDir
    Path dir;

    private static long count(String text, String type) {
        Matcher m = Pattern.compile("\n  " + type + " +(\\d+)\n").matcher(text);
        assertTrue(m.find(), "no count of " + type + " in " + text);
        return Long.parseLong(m.group(1));
    }

    /** Through bin/nvmfs: the "options" field of text and --json alike. */
    private static String options(Mounted m, boolean json) throws Exception {
        Mounted.Result r = json ? Mounted.launcher(Map.of(), "stats", "--json", m.mnt.toString())
                : Mounted.launcher(Map.of(), "stats", m.mnt.toString());
        assertEquals(0, r.exit(), r.err());
        Matcher o = Pattern.compile(json ? "\"options\":\"([^\"]*)\"" : "\noptions +(\\S+)\n").matcher(r.out());
        assertTrue(o.find(), "no options in " + r.out());
        return o.group(1);
    }

    @Test
    void optionsAreEveryOptionTheMountRunsWithNvmfsOwnIncluded() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M", "noexec", "strictatime", "nodiratime", "commit=2", "cache_size=32M",
                "attr_timeout=0.5", "entry_timeout=2", "writeback_cache", "debug")) {
            String expected = "fsname=" + m.image + ",subtype=nvmfs,default_permissions,rw,nosuid,nodev,noexec,async,"
                    + "strictatime,nodiratime,commit=2,cache_size=32M,attr_timeout=0.5,entry_timeout=2,writeback_cache,debug";
            assertEquals(expected, options(m, false), "text");
            assertEquals(expected, options(m, true), "--json");
        }
        // sync: every write persisted before it returns, so the kernel is not given the writeback cache asked for.
        try (Mounted m = Mounted.existing(dir, "sync", "writeback_cache", "commit=0", "cache_size=1536K")) {
            assertEquals("fsname=" + m.image + ",subtype=nvmfs,default_permissions,rw,nosuid,nodev,exec,sync,relatime,"
                    + "commit=0,cache_size=1536K,attr_timeout=1,entry_timeout=1", options(m, false));
        }
    }

    @Test
    void aMountAnswersWithItsLiveFiguresAndAStaleOneInOneLine() throws Exception {
        Path socket;
        try (Mounted m = Mounted.fresh(dir, "64M")) {
            m.shOk("for i in 1 2 3; do echo data$i > f$i; done; cat f1 f2 f3 > /dev/null");
            Mounted.Result r = Mounted.launcher(Map.of(), "stats", m.mnt.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\npid            " + m.mountPid() + "\n"), r.out());
            assertTrue(r.out().contains("\nnamespace      " + m.image + "\n"), r.out());
            assertTrue(r.out().contains("\nmode           rw\n"), r.out());
            assertTrue(r.out().contains("\noptions        fsname=" + m.image + ",subtype=nvmfs,default_permissions,rw,nosuid,nodev,"
                    + "exec,async,relatime,commit=5,cache_size=64M,attr_timeout=1,entry_timeout=1\n"), "the defaults, stated: " + r.out());
            assertTrue(count(r.out(), "create") >= 3, r.out());
            assertTrue(count(r.out(), "write") >= 3, r.out());
            assertTrue(count(r.out(), "read") >= 1, r.out());
            assertTrue(r.out().matches("(?s).*\njournal        [1-9]\\d* of 258048 bytes used .*"), r.out());
            assertTrue(r.out().contains("\nfree blocks per order (like /proc/buddyinfo)\n  0:"), r.out());

            Mounted.Result json = Mounted.launcher(Map.of(), "stats", "--json", m.mnt.toString());
            assertEquals(0, json.exit(), json.err());
            Path doc = Files.writeString(dir.resolve("stats.json"), json.out());
            Mounted.Result parsed = Mounted.run(List.of("python3", "-c", "import json,sys; d=json.load(open(sys.argv[1]));"
                    + " print(d['pid'], d['mode'], d['requests']['create'] >= 3, d['requests']['read'] >= 1,"
                    + " d['journalBytes'], d['journalUsedBytes'] > 0, len(d['freeBlocksPerOrder']) > 0, sorted(d.keys()))", doc.toString()));
            assertEquals(0, parsed.exit(), "JSON parses: " + parsed.err());
            assertEquals(m.mountPid() + " rw True True 258048 True True ['cacheBytes', 'cachedInodes', 'freeBlocksPerOrder',"
                    + " 'freePages', 'journalBytes', 'journalUsedBytes', 'mode', 'mountPoint', 'namespace', 'options', 'pid',"
                    + " 'readOnlyReason', 'requests']", parsed.out().trim());
            assertEquals(0, Mounted.run(List.of("python3", "-m", "json.tool", doc.toString())).exit());
            socket = StatsSocket.of(m.mnt.toAbsolutePath().normalize());
            assertTrue(Files.exists(socket), socket.toString());
        }
        assertTrue(!Files.exists(socket), "removed at unmount: " + socket);
        Mounted.Result gone = Mounted.launcher(Map.of(), "stats", dir.resolve("mnt").toString());
        assertEquals(1, gone.exit());
        assertEquals("nvmfs: " + dir.resolve("mnt") + ": no nvmfs is mounted there\n", gone.err());

        try (Mounted m = Mounted.existing(dir)) {
            ProcessHandle serving = ProcessHandle.of(m.mountPid()).orElseThrow();
            serving.destroyForcibly();
            serving.onExit().join(); // (looking the pid up again after the kill races with its exit)
            Mounted.Result stale = Mounted.launcher(Map.of(), "stats", m.mnt.toString());
            assertEquals(1, stale.exit(), stale.out());
            assertEquals(1, stale.err().split("\n").length, stale.err());
            assertTrue(stale.err().startsWith("nvmfs: " + m.mnt + ": its stats socket "), stale.err());
            assertTrue(stale.err().contains("stale"), stale.err());
            Mounted.run(List.of("fusermount", "-u", "-z", m.mnt.toString()));
        }
    }
}
