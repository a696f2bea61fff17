package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real mount, a directory of 5,000 entries lists whole, with every name once, and
 * rm -rf removes it: listings stopped after the first READDIR reply (1,022 of 2,000 names),
 * because every entry's cookie (d_off) arrived as garbage (fstests generic/033, 035, 036).
 */
class LargeDirectoryIT {
    @TempDir
    Path dir;

    @Test
    void everyEntryIsListedOnceAndRmRfRemovesTheDirectory() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "256M"); Watchdog dog = m.watchdog(Duration.ofSeconds(120))) {
            Path big = Files.createDirectory(m.mnt.resolve("big"));
            int n = 5000;
            for (int i = 0; i < n; i++) {
                Files.createFile(big.resolve("a-rather-long-file-name-to-fill-replies-" + i));
            }
            long listed = dog.call("list", () -> {
                try (Stream<Path> s = Files.list(big)) {
                    return s.map(p -> p.getFileName().toString()).distinct().count();
                }
            });
            assertEquals(n, listed, "distinct names listed");
            Mounted.Result ls = dog.call("ls", () -> Mounted.run(List.of("bash", "-c", "ls -f '" + big + "' | wc -l")));
            assertEquals(String.valueOf(n + 2), ls.out().trim(), "ls -f, with . and ..: " + ls.err());
            Mounted.Result rm = dog.call("rm -rf", () -> Mounted.run(List.of("rm", "-rf", big.toString())));
            assertEquals(0, rm.exit(), rm.err());
            assertEquals(false, Files.exists(big));
        }
    }
}
