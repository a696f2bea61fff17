package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real mount: names and symlink targets are bytes, whatever the locale, as on ext4 and
 * tmpfs; and a file replaced by rename under a reader stays readable by the reader that found it.
 */
class NamesAndReplaceIT {
    @TempDir
    Path dir;

    private static Mounted.Result sh(Mounted m, Map<String, String> env, String script) throws Exception {
        return Mounted.run(List.of("bash", "-c", "cd '" + m.mnt + "' && " + script), env);
    }

    /** Two names that are not UTF-8 (z\xe9, z\xe8) are two files; names and targets read back byte for byte. */
    @Test
    void namesAndTargetsThatAreNotUtf8AreKeptAsBytes() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M"); Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            for (Map<String, String> env : List.of(Map.of("LANG", "C", "LC_ALL", "C"), Map.of("LC_ALL", "C.UTF-8"))) {
                Mounted.Result r = dog.call("shell", () -> sh(m, env, "rm -rf d && mkdir d && cd d"
                        + " && printf e9 > $'z\\xe9' && printf e8 > $'z\\xe8' && ln -s $'t\\xff\\xfe' $'l\\x80'"
                        + " && ls | od -An -tx1 | tr -s ' \\n' ' ' && echo"
                        + " && cat $'z\\xe9' $'z\\xe8' && echo && readlink $'l\\x80' | od -An -tx1 | tr -s ' \\n' ' '"));
                assertEquals(0, r.exit(), env + ": " + r.err());
                String[] lines = r.out().split("\n");
                // ls sorts bytewise in the C locale and by collation otherwise: check the set of names.
                String names = " " + lines[0].trim() + " ";
                assertTrue(names.contains(" 6c 80 0a") || names.contains(" 6c 80 ") , env + " l\\x80 listed: " + r.out());
                assertTrue(names.contains("7a e8 0a") && names.contains("7a e9 0a"), env + " both z names listed: " + r.out());
                assertEquals("e9e8", lines[1], env + ": two distinct files: " + r.out());
                assertEquals("74 ff fe 0a", lines[2].trim(), env + ": the target as stored: " + r.out());
            }
        }
    }

    /**
     * One thread reads {@code f} over and over (open, read, close), another replaces it by writing
     * {@code f.tmp} and renaming it over {@code f}: no read or close may fail. Reported: EIO on 4 of
     * 7,765 reads and 4 closes, because the replaced inode was freed (and its number reused) while
     * the kernel still held it.
     */
    @Test
    void aFileReplacedByRenameIsNeverAnErrorForItsReader() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "128M"); Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            Path f = m.mnt.resolve("f");
            Path tmp = m.mnt.resolve("f.tmp");
            Files.writeString(f, "version 0\n");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        dog.call("read f", () -> Files.readString(f));
                        reads.incrementAndGet();
                    } catch (Throwable e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }
            });
            reader.start();
            int replaced = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && replaced < 6000) {
                int v = replaced;
                dog.run("replace f", () -> {
                    Files.writeString(tmp, "version " + v + "\n".repeat(1 + v % 50));
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                });
                replaced++;
            }
            stop.set(true);
            reader.join();
            System.out.printf("rename-replace: %d replacements, %d reads, %d failures%n", replaced, reads.get(), failures.get());
            assertEquals(0, failures.get(), "reads that failed (first: " + firstFailure.get() + ")");
            assertTrue(reads.get() > 1000, "the reader ran: " + reads.get());
        }
    }

}
