package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the kernel caches of nvmfs's attributes stays true however long it may keep them: where
 * nvmfs changes an attribute on its own, it tells the kernel (FUSE_NOTIFY_INVAL_INODE), so a
 * mount with hour-long timeouts shows what a mount with none does.
 */
class AttributeCacheIT {
    @TempDir
    Path dir;

    /**
     * Appends make nvmfs allocate ahead (st_blocks past EOF); the last close gives those blocks
     * back. fstat on the open file caches the blocks with the tail; after close, stat must show
     * the exact blocks once the kernel's RELEASE has been served (it is sent after close returns).
     */
    private static final String APPEND_THEN_CLOSE = String.join("\n",
            "import os, sys, time",
            "p = sys.argv[1]",
            "fd = os.open(p, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)",
            "for i in range(40):",
            "    os.write(fd, b'x' * 4096)",
            "open_blocks = os.fstat(fd).st_blocks",
            "os.close(fd)",
            "exact = 40 * 8",
            "deadline = time.time() + 10",
            "while os.stat(p).st_blocks != exact and time.time() < deadline:",
            "    time.sleep(0.05)",
            "print(open_blocks > exact, os.stat(p).st_blocks == exact, os.stat(p).st_blocks)");

    @Test
    void theBlocksGivenBackAtCloseAreShownDespiteAnHourLongAttributeTimeout() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "128M", "attr_timeout=3600", "entry_timeout=3600");
             Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            Path script = Files.writeString(dir.resolve("append.py"), APPEND_THEN_CLOSE);
            Mounted.Result r = dog.call("append, fstat, close, stat",
                    () -> Mounted.run(List.of("python3", script.toString(), m.mnt.resolve("log").toString())));
            assertEquals(0, r.exit(), r.err());
            String[] f = r.out().strip().split(" ");
            assertEquals("True", f[0], "while open, the file holds blocks past EOF (else this tests nothing): " + r.out());
            assertEquals("True", f[1], "after close the kernel shows the exact blocks, not its cached ones: " + r.out());
        }
    }
}
