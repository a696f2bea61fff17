package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image holds every file in it, whatever their own permissions: new ones are made 0600 (by
 * mkfs and by the first mount of the default image), and info and mount warn, in one line on
 * stderr, about an existing one that its group or others can read or write.
 */
class ImagePermissionsIT {
    @TempDir
    Path dir;

    @Test
    void mkfsMakesTheImageOwnerOnly() throws Exception {
        Path img = dir.resolve("fs.img");
        Mounted.Result r = Mounted.nvmfs("mkfs", "--size", "64M", img.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("rw-------", mode(img));
    }

    @Test
    void theDefaultImageMadeByTheFirstMountIsOwnerOnly() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Map<String, String> env = Map.of("XDG_DATA_HOME", dir.resolve("data").toString());
        Mounted.Result r = Mounted.nvmfs(env, "mount", mnt.toString());
        try {
            assertEquals(0, r.exit(), r.err());
            assertEquals("rw-------", mode(dir.resolve("data/nvmfs/default.img")));
            assertTrue(warnings(r).isEmpty(), r.err());
        } finally {
            if (Mounts.isNvmfsMount(mnt)) {
                assertEquals(0, Mounted.nvmfs("umount", mnt.toString()).exit());
            }
        }
    }

    @Test
    void infoWarnsOnceAboutAnImageOthersCanReadOrWrite() throws Exception {
        Path img = dir.resolve("fs.img");
        assertEquals(0, Mounted.nvmfs("mkfs", "--size", "64M", img.toString()).exit());
        assertTrue(warnings(Mounted.nvmfs("info", img.toString())).isEmpty(), "no warning for 0600");
        for (String perms : List.of("rw-r--r--", "rw-rw----", "rw-----w-")) {
            Files.setPosixFilePermissions(img, PosixFilePermissions.fromString(perms));
            Mounted.Result r = Mounted.nvmfs("info", img.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("state"), "info still describes the namespace: " + r.out());
            List<String> w = warnings(r);
            assertEquals(1, w.size(), perms + ": one warning line: " + r.err());
            assertTrue(w.get(0).contains(img.toString()) && w.get(0).contains("chmod 600"), w.get(0));
        }
    }

    @Test
    void mountWarnsOnceAboutAnImageOthersCanRead() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M")) {
            m.ok("umount", m.mnt.toString());
            Files.setPosixFilePermissions(m.image, PosixFilePermissions.fromString("rw-r-----"));
            Mounted.Result r = m.ok("mount", m.image.toString(), m.mnt.toString());
            List<String> w = warnings(r);
            assertEquals(1, w.size(), "one warning line: " + r.err());
            assertTrue(w.get(0).contains("readable by its group (mode 0640)"), w.get(0));
            assertTrue(m.mounted(), "a warning, not a refusal");
        }
    }

    private static List<String> warnings(Mounted.Result r) {
        return r.err().lines().filter(l -> l.contains("warning")).toList();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
