package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nvmfs info} through bin/nvmfs: the format version and sizes for people; an image no one
 * may write (0400, and for root a read-only bind mount of it, where an O_RDWR open is EROFS
 * whatever the permissions); a mount point names the namespace mounted there; a corrupt image
 * is refused with what is wrong and one line saying how to check it; text and JSON spell the
 * mapping alike, and the JSON parses.
 */
class InfoIT {
    @TempDir
    Path dir;

    private static Mounted.Result info(String... args) throws Exception {
        return Mounted.launcher(Map.of(), List.of(List.of("info"), List.of(args)).stream().flatMap(List::stream).toArray(String[]::new));
    }

    private static String field(String out, String name) {
        for (String line : out.split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length()).trim();
            }
        }
        throw new AssertionError("no '" + name + "' in " + out);
    }

    @Test
    void statesFormatVersionAndSizesForPeopleOnAnImageNoOneMayWrite() throws Exception {
        Path img = dir.resolve("ro.img");
        assertEquals(0, Mounted.nvmfs("mkfs", "-q", "--size", "64M", img.toString()).exit());
        Files.setPosixFilePermissions(img, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        String[] cmd = {Mounted.checkout().resolve("bin/nvmfs").toString(), "info", img.toString()};
        Mounted.Result r = "root".equals(System.getProperty("user.name"))
                // root may open a 0400 file read-write; a read-only bind mount of it refuses O_RDWR with EROFS
                ? Mounted.run(List.of("unshare", "-m", "bash", "-c", "mount --make-rprivate / && mount --bind -o ro \"$1\" \"$1\""
                        + " && mount -o remount,bind,ro \"$1\" && exec \"${@:2}\"", "-", img.toString(), cmd[0], cmd[1], cmd[2]))
                : Mounted.run(List.of(cmd));
        assertEquals(0, r.exit(), r.err() + r.out());
        assertEquals("nvmfs v1, nvmpg v1", field(r.out(), "format"));
        assertEquals("67108864 bytes (64.0 MiB, 16384 pages of 4 KiB)", field(r.out(), "size"));
        assertTrue(field(r.out(), "journal").matches("262144 bytes \\(256\\.0 KiB\\) at page \\d+"), r.out());
        assertTrue(field(r.out(), "free").matches("\\d+ of \\d+ pages \\(\\d+\\.\\d MiB of 6\\d\\.\\d MiB\\)"), r.out());
        assertTrue(field(r.out(), "inodes").contains("table grows on demand up to 2,002,927"), r.out());
        assertEquals("clean", field(r.out(), "state"));
    }

    @Test
    void aMountPointDescribesTheNamespaceMountedThereInTextAndJsonAlike() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M")) {
            m.shOk("touch a");
            Mounted.Result text = info(m.mnt.toString());
            assertEquals(0, text.exit(), text.err());
            assertEquals(m.image.toString(), field(text.out(), "namespace"));
            assertEquals("mounted on " + m.mnt, field(text.out(), "state"));
            assertEquals("msync", field(text.out(), "mapping"), "an image on tmpfs or ext4 is msync'd");
            assertEquals("2 used, table grows on demand up to 2,002,927 (15 in it now)", field(text.out(), "inodes"));

            Mounted.Result json = info("--json", m.mnt.toString());
            assertEquals(0, json.exit(), json.err());
            assertTrue(json.out().contains("\"namespace\":\"" + m.image + "\",\"formatVersion\":1,\"nvmpgVersion\":1,"), json.out());
            assertTrue(json.out().contains("\"mapping\":\"msync\",\"state\":\"mounted\",\"mountPoint\":\"" + m.mnt + "\""), json.out());
            Path doc = Files.writeString(dir.resolve("info.json"), json.out());
            Mounted.Result parsed = Mounted.run(List.of("python3", "-m", "json.tool", doc.toString()));
            assertEquals(0, parsed.exit(), "JSON parses: " + parsed.err());
        }
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Mounted.Result r = info(plain.toString());
        assertEquals(1, r.exit());
        assertEquals("nvmfs: " + plain + ": is a directory with no nvmfs mounted on it; give an image file,"
                + " a DAX device or the mount point of an nvmfs\n", r.err());
    }

    @Test
    void creationTimeLastMountTimeAndMountCountAreRecordedByReadWriteMountsOnly() throws Exception {
        Path img = dir.resolve("fs.img");
        long before = System.currentTimeMillis() / 1000 * 1000;
        Files.createDirectories(dir.resolve("mnt"));
        Mounted.Result mkfs = Mounted.nvmfs("mkfs", "-q", "--size", "64M", img.toString());
        assertEquals(0, mkfs.exit(), mkfs.err());
        Mounted.Result made = info(img.toString());
        long created = java.time.Instant.parse(field(made.out(), "created")).toEpochMilli();
        assertTrue(created >= before && created <= System.currentTimeMillis(), made.out());
        assertEquals("unknown", field(made.out(), "last mounted"), "mkfs mounts nothing");
        assertEquals("0", field(made.out(), "mount count"));

        long mountedAfter = System.currentTimeMillis() / 1000 * 1000;
        try (Mounted m = Mounted.existing(dir)) {
            m.shOk("touch a");
        }
        long mountedBefore = System.currentTimeMillis();
        try (Mounted m = Mounted.existing(dir, "ro")) {
            m.shOk("ls");
        }
        Mounted.Result after = info(img.toString());
        assertEquals(field(made.out(), "created"), field(after.out(), "created"), "mounts do not change the creation time");
        long last = java.time.Instant.parse(field(after.out(), "last mounted")).toEpochMilli();
        assertTrue(last >= mountedAfter && last <= mountedBefore, "the read-write mount's time, not the read-only one's: " + after.out());
        assertEquals("1", field(after.out(), "mount count"), "a read-only mount writes nothing, the count included");
        Mounted.Result json = info("--json", img.toString());
        assertTrue(json.out().contains("\"created\":\"" + field(after.out(), "created") + "\",\"lastMounted\":\""
                + field(after.out(), "last mounted") + "\",\"mountCount\":1,"), json.out());
    }

    @Test
    void anImageOlderThanTheMountRecordShowsUnknownAndZero() throws Exception {
        Path img = dir.resolve("golden.img");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Mounted.checkout().resolve("test-images/golden/v1/tree.img.gz")))) {
            Files.copy(in, img);
        }
        Files.setPosixFilePermissions(img, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Mounted.Result r = info(img.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("unknown", field(r.out(), "last mounted"), "written before the field, by a generator that mounted it");
        assertEquals("0", field(r.out(), "mount count"));
        assertTrue(info("--json", img.toString()).out().contains("\"lastMounted\":null,\"mountCount\":0,"));
    }

    @Test
    void aCorruptImageIsRefusedWithAHintToRunFsck() throws Exception {
        for (String name : new String[] {"f_sb03_both_superblocks", "f_fs02_superblock_header"}) {
            Path img = dir.resolve(name + ".img");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(
                    Mounted.checkout().resolve("test-images/catalogue/" + name + "/image.gz")))) {
                Files.copy(in, img, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(img, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Mounted.Result r = info(img.toString());
            assertEquals(1, r.exit(), name + ": refused as before: " + r.out());
            String[] lines = r.err().split("\n");
            assertEquals(2, lines.length, name + ": what is wrong, then the hint: " + r.err());
            assertTrue(lines[0].startsWith("nvmfs: " + img + ": "), r.err());
            assertEquals("nvmfs: the namespace looks corrupt; check it with 'nvmfs fsck -f -n " + img + "' (-p or -y to repair)",
                    lines[1]);
            assertEquals("", r.out());
        }
    }
}
