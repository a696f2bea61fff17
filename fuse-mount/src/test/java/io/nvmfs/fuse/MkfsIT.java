package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nvmfs mkfs as users of mkfs.ext4 expect it, through the real launcher (bin/nvmfs): a summary
 * of what it made (UUID, label, size, journal, inodes) unless -q; -n says what it would make and
 * writes nothing; -L is --label; --force --size grows a smaller image file (sparse), and a size
 * that does not match an existing file or a device is refused in one line. Before, it printed one
 * line naming only the inode limit, had no -n, -q or -L, and ignored --size on an existing file.
 */
class MkfsIT {
    @TempDir
    Path dir;

    private static Mounted.Result nvmfs(String... args) throws Exception {
        return Mounted.launcher(Map.of(), args);
    }

    private static String field(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow(() -> new AssertionError(key + " in " + out))
                .substring(key.length()).trim();
    }

    private static void assertRefused(Mounted.Result r, String says) {
        assertEquals(1, r.exit(), r.err() + r.out());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(says), says + ": " + r.err());
    }

    @Test
    void mkfsSaysWhatItMadeAsMkfsExt4DoesUnlessQuiet() throws Exception {
        Path img = dir.resolve("fs.img");
        Mounted.Result r = nvmfs("mkfs", "--size", "64M", "-L", "data", img.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("nvmfs: made a filesystem on " + img + "\n"), r.out());
        Mounted.Result info = nvmfs("info", img.toString());
        assertEquals(field(info.out(), "uuid"), field(r.out(), "uuid"), "the UUID made");
        assertTrue(field(r.out(), "uuid").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), r.out());
        assertEquals("data", field(r.out(), "label"), "-L is the label");
        assertEquals("data", field(info.out(), "label"));
        assertEquals("67108864 bytes (16384 pages of 4 KiB)", field(r.out(), "size"));
        assertEquals("262144 bytes (64 pages)", field(r.out(), "journal"), "1/256 of the namespace, at least 256K");
        assertTrue(field(info.out(), "journal").startsWith("262144 bytes (256.0 KiB) at page "), info.out());
        assertEquals("table grows on demand up to 2,002,927 (15 in it now)", field(r.out(), "inodes"));

        Mounted.Result quiet = nvmfs("mkfs", "-q", "--size", "64M", dir.resolve("quiet.img").toString());
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals("", quiet.out() + quiet.err(), "-q prints nothing");
        assertTrue(Files.exists(dir.resolve("quiet.img")));
    }

    @Test
    void dryRunSaysWhatItWouldMakeAndWritesNothing() throws Exception {
        Path fresh = dir.resolve("new.img");
        Mounted.Result r = nvmfs("mkfs", "-n", "--size", "1G", "--journal-size", "1M", fresh.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("nvmfs: would make a filesystem on " + fresh + " (dry run: nothing written)\n"), r.out());
        assertEquals("1073741824 bytes (262144 pages of 4 KiB)", field(r.out(), "size"));
        assertEquals("1048576 bytes (256 pages)", field(r.out(), "journal"));
        assertFalse(Files.exists(fresh), "no file is created");
        assertRefused(nvmfs("mkfs", "-n", "--size", "12K", fresh.toString()), "too small");

        Path img = dir.resolve("fs.img");
        assertEquals(0, nvmfs("mkfs", "-q", "--size", "64M", img.toString()).exit());
        byte[] before = sha256(img);
        assertRefused(nvmfs("mkfs", "-n", img.toString()), "add --force to overwrite it"); // as mkfs itself would
        Mounted.Result forced = nvmfs("mkfs", "-n", "--force", "-L", "other", img.toString());
        assertEquals(0, forced.exit(), forced.err());
        assertEquals("other", field(forced.out(), "label"));
        assertArrayEquals(before, sha256(img), "a dry run writes nothing");
    }

    @Test
    void forceWithALargerSizeGrowsASmallerImageAndOtherSizesAreRefused() throws Exception {
        Path img = dir.resolve("fs.img");
        assertEquals(0, nvmfs("mkfs", "-q", "--size", "32M", img.toString()).exit());
        assertRefused(nvmfs("mkfs", "--size", "64M", img.toString()), "smaller than --size 67108864; add --force to grow it");
        assertEquals(32L << 20, Files.size(img), "refused: unchanged");

        Mounted.Result grown = nvmfs("mkfs", "--force", "--size", "64M", img.toString());
        assertEquals(0, grown.exit(), grown.err());
        assertEquals(64L << 20, Files.size(img));
        assertEquals("67108864 bytes (16384 pages of 4 KiB)", field(grown.out(), "size"));
        assertEquals("67108864 bytes (64.0 MiB, 16384 pages of 4 KiB)", field(nvmfs("info", img.toString()).out(), "size"));
        long allocated = Long.parseLong(Mounted.run(List.of("stat", "-c", "%b", img.toString())).out().trim()) * 512;
        assertTrue(allocated < 16L << 20, "grown sparse: " + allocated + " bytes allocated");
        assertEquals(0, nvmfs("fsck", "-n", "-f", img.toString()).exit(), "a sound filesystem");

        assertRefused(nvmfs("mkfs", "--force", "--size", "32M", img.toString()), "larger than --size 33554432");
        assertEquals(64L << 20, Files.size(img));
        assertEquals(0, nvmfs("mkfs", "-q", "--force", "--size", "64M", img.toString()).exit(), "exactly its size");
        assertRefused(nvmfs("mkfs", "--force", "--size", "64M", "/dev/null"), "/dev/null is a device: --size cannot change its size");
    }

    private static byte[] sha256(Path p) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
    }
}
