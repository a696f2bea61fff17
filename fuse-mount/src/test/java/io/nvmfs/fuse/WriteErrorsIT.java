package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors that happen where the caller cannot see them are still reported to it: a write-back the
 * namespace has no room for fails the fsync (and close), as ext4 reports write-back errors; and a
 * namespace file truncated under the mount gives EIO and a read-only mount, never a hang, and the
 * mount process still ends at unmount.
 */
class WriteErrorsIT {
    @TempDir
    Path dir;

    /**
     * Five 16 MiB files, each written and fsync'd, on a 64 MiB namespace with the kernel's writeback
     * cache: every file whose fsync (or close) succeeded holds exactly what was written, read back
     * after the page cache is dropped. Reported: every fsync returned 0 and a file lost 109 pages.
     */
    @Test
    void aWriteBackWithoutRoomFailsTheFsync() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M", "writeback_cache"); Watchdog dog = m.watchdog(Duration.ofSeconds(90))) {
            Random rnd = new Random(5);
            List<Path> durable = new ArrayList<>();
            List<byte[]> contents = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < 5; i++) {
                byte[] data = new byte[16 << 20];
                rnd.nextBytes(data);
                Path f = m.mnt.resolve("f" + i);
                boolean ok = dog.call("write " + f, () -> {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                        ByteBuffer b = ByteBuffer.wrap(data);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        ch.force(true);
                        return true;
                    } catch (IOException e) {
                        return false; // ENOSPC from write, fsync or close: reported, as it must be
                    }
                });
                if (ok) {
                    durable.add(f);
                    contents.add(data);
                } else {
                    failed++;
                }
            }
            assertTrue(failed > 0, "64 MiB cannot hold 80 MiB: some write, fsync or close must have failed");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            for (int i = 0; i < durable.size(); i++) {
                Path f = durable.get(i);
                byte[] got = dog.call("read " + f, () -> Files.readAllBytes(f));
                assertEquals(contents.get(i).length, got.length, f + ": size of a file whose fsync succeeded");
                assertArrayEquals(contents.get(i), got, f + ": contents of a file whose fsync succeeded");
            }
        }
    }

    /**
     * The namespace file truncated under a mount: reading a file whose pages are gone fails with
     * EIO (the JVM's fault on the mapping becomes an answer, and the mount turns read-only), and
     * after {@code nvmfs umount} the mount process ends and lets go of the namespace.
     */
    @Test
    void aNamespaceTruncatedUnderTheMountGivesEioAndTheMountStillEnds() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M"); Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            byte[] data = new byte[8 << 20];
            new Random(1).nextBytes(data);
            Path f = m.mnt.resolve("big");
            dog.run("write", () -> Files.write(f, data));
            long pid = m.mountPid();
            try (RandomAccessFile img = new RandomAccessFile(m.image.toFile(), "rw")) {
                img.setLength(1 << 20);
            }
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            IOException e = dog.call("read", () -> {
                try {
                    Files.readAllBytes(f);
                    return null;
                } catch (IOException x) {
                    return x;
                }
            });
            assertTrue(e != null && String.valueOf(e.getMessage()).contains("Input/output error"), "read gives EIO: " + e);
            IOException ro = dog.call("create", () -> {
                try {
                    Files.writeString(m.mnt.resolve("new"), "x");
                    return null;
                } catch (IOException x) {
                    return x;
                }
            });
            assertTrue(ro != null, "the mount refuses changes after the fault");
            Mounted.Result u = Mounted.nvmfs("umount", m.mnt.toString());
            assertEquals(0, u.exit(), u.err());
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (h != null && h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(h != null && h.isAlive(), "the mount process ended after unmount");
        }
    }
}
