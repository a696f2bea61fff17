package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
 * Every option the mount runs with is listed, nvmfs's own too, defaults included; a mount that
 * found corruption on the namespace while serving says ro-after-error and why, refuses changes
 * with EROFS and still reads.
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
                    + "strictatime,nodiratime,commit=2,cache_size=32M,attr_timeout=0.5,entry_timeout=2,writeback_cache,debug"
                    + Mounted.transportOption();
            assertEquals(expected, options(m, false), "text");
            assertEquals(expected, options(m, true), "--json");
        }
        // sync: every write persisted before it returns, so the kernel is not given the writeback cache asked for.
        try (Mounted m = Mounted.existing(dir, "sync", "writeback_cache", "commit=0", "cache_size=1536K")) {
            assertEquals("fsname=" + m.image + ",subtype=nvmfs,default_permissions,rw,nosuid,nodev,exec,sync,relatime,"
                    + "commit=0,cache_size=1536K,attr_timeout=1,entry_timeout=1" + Mounted.transportOption(), options(m, false));
        }
    }

    /** The page offset of the fs superblock (magic NVMFS-SB at a page start, format version 1: fs-core/FORMAT.md). */
    private static long superblock(FileChannel image) throws Exception {
        List<Long> found = new ArrayList<>();
        ByteBuffer page = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = 0; at < image.size(); at += 4096) {
            page.clear();
            image.read(page, at);
            if (new String(page.array(), 0, 8, StandardCharsets.US_ASCII).equals("NVMFS-SB") && page.getInt(8) == 1) {
                found.add(at);
            }
        }
        assertEquals(1, found.size(), "one fs superblock: " + found);
        return found.getFirst();
    }

    /**
     * Corruption met at run time: a file's inode record (chunk 0 of the inode table, 256 bytes per
     * inode, CRC32C at its end) is overwritten in the image file under a running mount that has
     * not loaded it yet (mounted again since the file was made, so nothing of it is in DRAM or in
     * the kernel's caches). The image is mapped shared, so the mount sees the new bytes at once.
     */
    @Test
    void corruptionFoundWhileMountedIsReadOnlyAfterErrorWithTheReason() throws Exception {
        long bad;
        try (Mounted m = Mounted.fresh(dir, "64M")) {
            m.shOk("echo intact > good && echo doomed > bad");
            bad = (Long) Files.getAttribute(m.mnt.resolve("bad"), "unix:ino");
        }
        assertTrue(bad > 1 && bad < 16, "in chunk 0 of the inode table: " + bad);
        try (Mounted m = Mounted.existing(dir)) {
            assertTrue(Mounted.launcher(Map.of(), "stats", m.mnt.toString()).out().contains("\nmode           rw\n"));
            try (FileChannel image = FileChannel.open(m.image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long sb = superblock(image);
                ByteBuffer slot = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                image.read(slot, sb + 128); // chunk[0]: the page of inode-table chunk 0
                long record = slot.getLong(0) * 4096 + bad * 256;
                image.write(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}), record + 16); // its size
            }
            Mounted.Result stat = m.sh("stat bad");
            assertEquals(1, stat.exit(), stat.out());
            assertTrue(stat.err().contains("Input/output error"), "the access that finds it fails with EIO: " + stat.err());

            Mounted.Result r = Mounted.launcher(Map.of(), "stats", m.mnt.toString());
            assertEquals(0, r.exit(), r.err());
            String reason = "read-only after metadata corruption: inode " + bad + ": record checksum mismatch; run fsck.nvmfs";
            assertTrue(r.out().contains("\nmode           ro-after-error (" + reason + ")\n"), r.out());
            Mounted.Result json = Mounted.launcher(Map.of(), "stats", "--json", m.mnt.toString());
            assertTrue(json.out().contains("\"mode\":\"ro-after-error\",\"readOnlyReason\":\"" + reason + "\""), json.out());

            Mounted.Result create = m.sh("echo x > new");
            assertTrue(create.exit() != 0 && create.err().contains("Read-only file system"), "create: EROFS: " + create.err());
            Mounted.Result append = m.sh("echo more >> good");
            assertTrue(append.exit() != 0 && append.err().contains("Read-only file system"), "write: EROFS: " + append.err());
            Mounted.Result mkdir = m.sh("mkdir d");
            assertTrue(mkdir.exit() != 0 && mkdir.err().contains("Read-only file system"), "mkdir: EROFS: " + mkdir.err());
            assertEquals("intact\n", m.shOk("cat good").out(), "reads still work");
            assertEquals("bad\ngood\n", m.shOk("ls -1").out(), "listings too");

            // The kernel's flags of a FUSE mount change only by a remount: /proc/mounts keeps saying rw.
            assertTrue(m.kernelOptions().mount().contains("rw"), "stats is where it shows, not /proc/mounts");
            Path log = MountLog.path(m.image, Map.of("XDG_STATE_HOME", Mounted.TEST_STATE.toString()), "/nonexistent", true);
            assertEquals(1, Files.readAllLines(log).stream().filter(l -> l.endsWith(" ERROR " + reason)).count(),
                    "logged once, with the reason: " + Files.readAllLines(log));
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
                    + "exec,async,relatime,commit=5,cache_size=64M,attr_timeout=1,entry_timeout=1" + Mounted.transportOption() + "\n"),
                    "the defaults, stated: " + r.out());
            assertTrue(r.out().contains(Mounted.TRANSPORT.isEmpty() ? "\ntransport      /dev/fuse\n" : "\ntransport      io_uring, "),
                    "the transport: " + r.out());
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
                    + " 'readOnlyReason', 'requests', 'ringRequests', 'transport']", parsed.out().trim());
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
