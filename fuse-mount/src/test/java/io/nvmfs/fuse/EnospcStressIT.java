package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six threads mixing create, write, truncate, punch, rename, unlink and setxattr through a mount
 * until the namespace is full and past it: the mount must never find its own space map corrupt
 * (it used to go read-only with "block … was allocated at order 7, not 6"), and after a clean
 * unmount {@code fsck -n -f} must find nothing (it used to find SP02: blocks in use that the
 * allocator held free).
 */
class EnospcStressIT {
    @TempDir
    Path dir;

    @Test
    void sixThreadsAtEnospcLeaveAConsistentNamespace() throws Exception {
        long seconds = Long.getLong("nvmfs.enospc.seconds", 20);
        try (Mounted m = Mounted.fresh(dir, "48M"); Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            AtomicInteger enospc = new AtomicInteger();
            AtomicInteger ops = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    Random rnd = new Random(id);
                    ByteBuffer buf = ByteBuffer.allocate(4 << 20);
                    while (System.nanoTime() < deadline) {
                        Path f = m.mnt.resolve("f" + rnd.nextInt(24));
                        try {
                            dog.run("op", () -> step(rnd, f, m.mnt.resolve("f" + rnd.nextInt(24)), buf));
                            ops.incrementAndGet();
                        } catch (Exception e) {
                            if (String.valueOf(e.getMessage()).contains("No space left")) {
                                enospc.incrementAndGet();
                            }
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join();
            }
            System.out.printf("enospc stress: %d operations, %d ENOSPC%n", ops.get(), enospc.get());
            assertTrue(enospc.get() > 0, "the namespace ran full");
            Mounted.Result probe = dog.call("probe", () -> m.sh("mkdir still-writable && rmdir still-writable"));
            assertEquals(0, probe.exit(), "the mount stayed writable (no corruption found in its own space map): " + probe.err());
            m.ok("umount", m.mnt.toString());
            Mounted.Result fsck = Mounted.nvmfs("fsck", "-n", "-f", m.image.toString());
            assertEquals(0, fsck.exit(), "fsck -n -f after the clean unmount:\n" + fsck.out() + fsck.err());
        }
    }

    private static void step(Random rnd, Path f, Path other, ByteBuffer buf) throws IOException {
        switch (rnd.nextInt(9)) {
            case 0, 1, 2 -> {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    buf.clear().limit(1 + rnd.nextInt(buf.capacity()));
                    ch.write(buf, (long) rnd.nextInt(256) << 12);
                }
            }
            case 3 -> {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(rnd.nextInt(6 << 20));
                }
            }
            case 4 -> {
                Mounted.Result r = sh("fallocate -p -o " + (rnd.nextInt(1024) << 12) + " -l " + ((1 + rnd.nextInt(256)) << 12) + " '" + f + "'");
                if (r.exit() != 0 && r.err().contains("No space")) {
                    throw new IOException("No space left on device");
                }
            }
            case 5 -> Files.move(f, other, StandardCopyOption.REPLACE_EXISTING);
            case 6 -> Files.deleteIfExists(f);
            case 7 -> Files.getFileAttributeView(f, UserDefinedFileAttributeView.class)
                    .write("k" + rnd.nextInt(3), ByteBuffer.wrap(new byte[1 + rnd.nextInt(1500)]));
            default -> {
                Mounted.Result r = sh("fallocate -o " + (rnd.nextInt(1024) << 12) + " -l " + ((1 + rnd.nextInt(1024)) << 12) + " '" + f + "'");
                if (r.exit() != 0 && r.err().contains("No space")) {
                    throw new IOException("No space left on device");
                }
            }
        }
    }

    private static Mounted.Result sh(String cmd) throws IOException {
        try {
            return Mounted.run(List.of("bash", "-c", cmd));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
