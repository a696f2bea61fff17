package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests nvmfs serves since it speaks the protocol itself, through a real mount: RENAME2
 * (renameat2's NOREPLACE and EXCHANGE; WHITEOUT refused), LSEEK (SEEK_DATA/SEEK_HOLE from the
 * extent map), TMPFILE (O_TMPFILE and linkat), COPY_FILE_RANGE, SYNCFS (durable without an fsync: checked across a kill -9), READDIRPLUS (ls -l's
 * sizes, and the references it hands the kernel given back: every inode is freed after rm and a
 * cache drop). Every call runs under a watchdog that aborts the connection if a request goes unanswered.
 */
class ProtocolOperationsIT {
    private static final long K = 1024;
    private static final long M = 1024 * K;
    @TempDir
    static Path dir;
    static Mounted m;

    @BeforeAll
    static void mount() throws Exception {
        m = Mounted.fresh(dir, "256M");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (m != null) {
            m.close();
        }
    }

    @Test
    void renameat2NoReplaceRefusesAnExistingNameAndExchangeSwapsTwo() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("renameat2 with flags", () -> {
                Path d = Files.createDirectories(m.mnt.resolve("rename2"));
                Path a = Files.writeString(d.resolve("a"), "A");
                Path b = Files.writeString(d.resolve("b"), "B");
                assertEquals(-Syscalls.EEXIST, Syscalls.renameat2(a, b, Syscalls.RENAME_NOREPLACE));
                assertEquals("A", Files.readString(a));
                assertEquals("B", Files.readString(b));
                Path c = d.resolve("c");
                assertEquals(0, Syscalls.renameat2(a, c, Syscalls.RENAME_NOREPLACE));
                assertTrue(Files.notExists(a));
                assertEquals(0, Syscalls.renameat2(c, b, Syscalls.RENAME_EXCHANGE));
                assertEquals("B", Files.readString(c));
                assertEquals("A", Files.readString(b));
                assertEquals(-Syscalls.ENOENT, Syscalls.renameat2(c, d.resolve("missing"), Syscalls.RENAME_EXCHANGE));
                assertEquals(-Syscalls.EINVAL, Syscalls.renameat2(c, d.resolve("w"), Syscalls.RENAME_WHITEOUT));
                assertEquals(-Syscalls.EINVAL, Syscalls.renameat2(c, b, Syscalls.RENAME_NOREPLACE | Syscalls.RENAME_EXCHANGE));

                // A directory and a file change places; the moved directory's ".." follows it.
                Path sub = Files.createDirectories(d.resolve("sub/inner"));
                Files.writeString(sub.resolve("x"), "x");
                Path elsewhere = Files.createDirectories(m.mnt.resolve("elsewhere"));
                Path file = Files.writeString(elsewhere.resolve("f"), "f");
                assertEquals(0, Syscalls.renameat2(sub, file, Syscalls.RENAME_EXCHANGE));
                assertEquals("x", Files.readString(elsewhere.resolve("f/x")));
                assertEquals("f", Files.readString(d.resolve("sub/inner")));
                assertEquals(Files.getAttribute(elsewhere, "unix:ino"), Files.getAttribute(elsewhere.resolve("f/.."), "unix:ino"));
                assertEquals("", m.shOk("ls rename2/sub/inner >/dev/null && cat elsewhere/f/x >/dev/null").err());
            });
        }
    }

    @Test
    void seekDataAndSeekHoleFollowTheExtents() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("SEEK_DATA and SEEK_HOLE", () -> {
                Path f = m.mnt.resolve("sparse");
                m.shOk("dd if=/dev/urandom of=sparse bs=64K seek=16 count=1 conv=notrunc status=none"
                        + " && dd if=/dev/urandom of=sparse bs=64K seek=48 count=1 conv=notrunc status=none && truncate -s 4M sparse");
                int fd = Syscalls.open(f, Syscalls.O_RDWR);
                assertTrue(fd >= 0);
                try {
                    Map<String, Long> got = new TreeMap<>();
                    got.put("data from 0", Syscalls.lseek(fd, 0, Syscalls.SEEK_DATA));
                    got.put("hole from 0", Syscalls.lseek(fd, 0, Syscalls.SEEK_HOLE));
                    got.put("hole from 1M", Syscalls.lseek(fd, M, Syscalls.SEEK_HOLE));
                    got.put("data from 1M+64K", Syscalls.lseek(fd, M + 64 * K, Syscalls.SEEK_DATA));
                    got.put("data from 1M+10", Syscalls.lseek(fd, M + 10, Syscalls.SEEK_DATA));
                    got.put("hole from 3M", Syscalls.lseek(fd, 3 * M, Syscalls.SEEK_HOLE));
                    got.put("data from 3M+64K", Syscalls.lseek(fd, 3 * M + 64 * K, Syscalls.SEEK_DATA));
                    got.put("hole from 4M-1", Syscalls.lseek(fd, 4 * M - 1, Syscalls.SEEK_HOLE));
                    got.put("data from 4M", Syscalls.lseek(fd, 4 * M, Syscalls.SEEK_DATA));
                    Map<String, Long> want = new TreeMap<>(Map.of("data from 0", M, "hole from 0", 0L, "hole from 1M", M + 64 * K,
                            "data from 1M+64K", 3 * M, "data from 1M+10", M + 10, "hole from 3M", 3 * M + 64 * K,
                            "data from 3M+64K", (long) -Syscalls.ENXIO, "hole from 4M-1", 4 * M - 1, "data from 4M",
                            (long) -Syscalls.ENXIO));
                    assertEquals(want, got);

                    assertEquals(0, Syscalls.fallocate(fd, Syscalls.FALLOC_FL_PUNCH_HOLE | Syscalls.FALLOC_FL_KEEP_SIZE, 3 * M, 64 * K));
                    assertEquals(-Syscalls.ENXIO, Syscalls.lseek(fd, M + 64 * K, Syscalls.SEEK_DATA), "the punched data is a hole");
                    assertEquals(M + 64 * K, Syscalls.lseek(fd, M, Syscalls.SEEK_HOLE));
                } finally {
                    Syscalls.close(fd);
                }
                // What sparse-aware tools make of it: a copy keeps the holes.
                m.shOk("cp --sparse=always sparse copy && cmp sparse copy");
                long blocks = Long.parseLong(m.shOk("stat -c %b copy").out().trim());
                assertTrue(blocks * 512 <= 256 * K, "the copy allocates the data, not the holes: " + blocks + " blocks");
            });
        }
    }

    @Test
    void oTmpfileMakesAnUnnamedFileThatLinkatPublishes() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("O_TMPFILE and linkat", () -> {
                Path d = Files.createDirectories(m.mnt.resolve("tmpfile"));
                long inodes = inodesUsed();
                int fd = Syscalls.open(d, Syscalls.O_TMPFILE | Syscalls.O_RDWR);
                assertTrue(fd >= 0, "O_TMPFILE: " + fd);
                assertEquals(5, Syscalls.write(fd, "hello".getBytes()));
                try (var names = Files.list(d)) {
                    assertEquals(0, names.count(), "in no directory");
                }
                assertEquals(0, Syscalls.linkFd(fd, d.resolve("published")));
                Syscalls.close(fd);
                assertEquals("hello", Files.readString(d.resolve("published")));
                assertEquals(1, Files.getAttribute(d.resolve("published"), "unix:nlink"));

                int excl = Syscalls.open(d, Syscalls.O_TMPFILE | Syscalls.O_RDWR | Syscalls.O_EXCL);
                assertTrue(excl >= 0);
                assertEquals(-Syscalls.ENOENT, Syscalls.linkFd(excl, d.resolve("never")), "O_EXCL: never linkable");
                Syscalls.close(excl);
                int lost = Syscalls.open(d, Syscalls.O_TMPFILE | Syscalls.O_RDWR);
                Syscalls.write(lost, new byte[1 << 20]);
                Syscalls.close(lost);
                m.shOk("rm tmpfile/published");
                assertEquals(inodes, inodesUsed(), "the unnamed files are freed at their last close");
            });
        }
    }

    @Test
    void copyFileRangeCopiesInsideTheFilesystem() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("copy_file_range", () -> {
                Path d = Files.createDirectories(m.mnt.resolve("copyrange"));
                m.shOk("head -c 3000000 /dev/urandom > copyrange/src && truncate -s 5M copyrange/src && printf xyz > copyrange/dst");
                int in = Syscalls.open(d.resolve("src"), Syscalls.O_RDONLY);
                int out = Syscalls.open(d.resolve("dst"), Syscalls.O_RDWR);
                assertEquals(2 * M, Syscalls.copyFileRange(in, M, out, 1, 2 * M));
                assertEquals(5 * M - 4 * M, Syscalls.copyFileRange(in, 4 * M, out, 3 * M, 10 * M), "clipped at the source's end");
                assertEquals(0, Syscalls.copyFileRange(in, 6 * M, out, 0, M), "nothing past the end");
                Syscalls.close(in);
                Syscalls.close(out);
                m.shOk("cmp -n 1 copyrange/dst <(printf x) && cmp -i 1048576:1 -n 2097152 copyrange/src copyrange/dst"
                        + " && cmp -i 4194304:3145728 copyrange/src copyrange/dst && test $(stat -c %s copyrange/dst) = 4194304");
                String stats = Mounted.nvmfs("stats", m.mnt.toString()).out();
                assertTrue(stats.matches("(?s).*copy_file_range +[1-9].*"), "served by nvmfs, not by the kernel's fallback:\n" + stats);
                m.shOk("cp copyrange/src copyrange/cp && cmp copyrange/src copyrange/cp");
            });
        }
    }

    /**
     * File handles outlive the kernel's memory of the inode (EXPORT_SUPPORT): after a cache drop
     * the kernel asks nvmfs for "." of the handle's node (and ".." to reconnect a directory); a
     * handle of a removed file is stale.
     */
    @Test
    void openByHandleAtFindsInodesTheKernelForgot() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("open_by_handle_at", () -> {
                Path d = Files.createDirectories(m.mnt.resolve("handles/deep"));
                Path f = Files.writeString(d.resolve("f"), "by handle");
                byte[] fileHandle = Syscalls.nameToHandle(f);
                byte[] dirHandle = Syscalls.nameToHandle(d);
                int mountFd = Syscalls.open(m.mnt, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY);
                try {
                    m.shOk("echo 3 > /proc/sys/vm/drop_caches");
                    int fd = Syscalls.openByHandle(mountFd, fileHandle, Syscalls.O_RDONLY);
                    assertTrue(fd >= 0, "open_by_handle_at after the kernel forgot the file: " + fd);
                    assertEquals("by handle", new String(Syscalls.pread(fd, 100, 0)));
                    Syscalls.close(fd);
                    m.shOk("echo 3 > /proc/sys/vm/drop_caches");
                    int dfd = Syscalls.openByHandle(mountFd, dirHandle, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY);
                    assertTrue(dfd >= 0, "a directory by handle: " + dfd);
                    assertEquals(m.mnt.resolve("handles/deep").toString(), Files.readSymbolicLink(Path.of("/proc/self/fd/" + dfd)).toString(),
                            "reconnected to its path through '..'");
                    Syscalls.close(dfd);
                    Files.delete(f);
                    m.shOk("echo 3 > /proc/sys/vm/drop_caches");
                    assertEquals(-Syscalls.ESTALE, Syscalls.openByHandle(mountFd, fileHandle, Syscalls.O_RDONLY), "a removed file");
                } finally {
                    Syscalls.close(mountFd);
                }
            });
        }
    }

    /** statx's birth time (STATX): set at creation, kept through writes, renames, touch and a remount. */
    @Test
    void statxShowsTheBirthTime() throws Exception {
        long[] birth = new long[1];
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("statx", () -> {
                long before = System.currentTimeMillis() / 1000;
                m.shOk("echo a > born");
                long born = Long.parseLong(m.shOk("stat -c %W born").out().trim());
                birth[0] = born;
                assertTrue(born >= before - 1 && born <= System.currentTimeMillis() / 1000 + 1, "birth time " + born);
                m.shOk("sleep 1.1 && echo b >> born && mv born born2 && touch -d '2001-02-03 04:05:06' born2");
                assertEquals(born, Long.parseLong(m.shOk("stat -c %W born2").out().trim()), "birth stays");
                assertEquals(m.shOk("date -d '2001-02-03 04:05:06' +%s").out().trim(), m.shOk("stat -c %Y born2").out().trim(),
                        "touch -d sets mtime, not birth");
            });
        }
        m.close();
        m = Mounted.existing(dir);
        assertEquals(birth[0], Long.parseLong(m.shOk("stat -c %W born2").out().trim()), "birth time kept on the media");
    }

    @Test
    void syncfsMakesEverythingWrittenDurable() throws Exception {
        Path sub = dir.resolve("syncfs");
        Files.createDirectories(sub);
        Mounted s = Mounted.fresh(sub, "128M", "commit=0");
        try {
            s.shOk("head -c 500000 /dev/urandom > a && head -c 3000 /dev/urandom > b && mkdir d && echo hi > d/c"
                    + " && sha256sum a b d/c > ../sums");
            int fd = Syscalls.open(s.mnt.resolve("a"), Syscalls.O_RDONLY);
            assertEquals(0, Syscalls.syncfs(fd));
            Syscalls.close(fd);
            ProcessHandle p = ProcessHandle.of(s.mountPid()).orElseThrow();
            p.destroyForcibly();
            p.onExit().get(60, TimeUnit.SECONDS);
            Mounted.run(List.of("fusermount", "-u", s.mnt.toString()));
            s.mount();
            s.shOk("sha256sum -c --quiet ../sums");
        } finally {
            s.close();
        }
    }

    @Test
    void readdirplusListsAttributesAndTheReferencesItHandsOutComeBack() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(60))) {
            w.run("ls -l and rm of 300 files", () -> {
                long inodesBefore = inodesUsed();
                Path d = Files.createDirectories(m.mnt.resolve("plus"));
                for (int i = 0; i < 300; i++) {
                    Files.write(d.resolve("f" + i), new byte[i * 7]);
                }
                m.shOk("echo 3 > /proc/sys/vm/drop_caches"); // listings start cold, as ls -l after a while
                for (String line : m.shOk("ls -l plus | tail -n +2").out().split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    int i = Integer.parseInt(f[8].substring(1));
                    assertEquals(i * 7L, Long.parseLong(f[4]), line);
                }
                for (int i = 0; i < 300; i += 37) {
                    assertEquals(i * 7L, Files.readAttributes(d.resolve("f" + i), BasicFileAttributes.class).size());
                }
                m.shOk("rm -r plus && echo 3 > /proc/sys/vm/drop_caches");
                assertEquals(inodesBefore, inodesUsed(), "every inode the listings handed out is freed");
            });
        }
    }

    /** Inodes in use, as df -i counts them (total minus free: nvmfs's free count follows its free space). */
    private static long inodesUsed() throws Exception {
        String[] f = m.shOk("stat -f -c '%c %d' .").out().trim().split(" ");
        return Long.parseLong(f[0]) - Long.parseLong(f[1]);
    }
}
