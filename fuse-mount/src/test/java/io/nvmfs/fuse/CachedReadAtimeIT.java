package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real mount, a read whose data the kernel has cached still updates atime when the
 * atime policy says it must: under strictatime every new open's read, under relatime the first
 * read after a change. Cached reads never reached nvmfs, so atime stayed (fstests generic/043, 044).
 */
class CachedReadAtimeIT {
    @TempDir
    Path dir;

    private static long atimeMillis(Path f) throws Exception {
        return Files.readAttributes(f, BasicFileAttributes.class).lastAccessTime().toMillis();
    }

    @Test
    void strictatimeUpdatesAtimeAtEveryReadOfANewOpen() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M", "strictatime", "attr_timeout=0");
                Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            Path f = m.mnt.resolve("f");
            Files.writeString(f, "data");
            Files.readString(f); // now cached
            for (int i = 0; i < 2; i++) {
                Files.setLastModifiedTime(f, Files.getLastModifiedTime(f)); // leaves atime alone
                Files.setAttribute(f, "lastAccessTime", FileTime.fromMillis(86_400_000L));
                dog.call("read", () -> Files.readString(f));
                assertTrue(atimeMillis(f) > 86_400_000L, "read " + i + " updated atime: " + atimeMillis(f));
            }
        }
    }

    @Test
    void relatimeUpdatesAtimeAtTheFirstCachedReadAfterAChange() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M", "attr_timeout=0"); Watchdog dog = m.watchdog(Duration.ofSeconds(60))) {
            Path f = m.mnt.resolve("f");
            Files.writeString(f, "data");
            dog.call("read", () -> Files.readString(f)); // cached from here on
            long first = atimeMillis(f);
            Thread.sleep(20);
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")); // ctime > atime
            dog.call("read", () -> Files.readString(f));
            assertTrue(atimeMillis(f) > first, "atime after a read following chmod: " + atimeMillis(f) + " vs " + first);
            long second = atimeMillis(f);
            dog.call("read", () -> Files.readString(f));
            assertEquals(second, atimeMillis(f), "relatime: a read with nothing changed leaves atime");
        }
    }
}
