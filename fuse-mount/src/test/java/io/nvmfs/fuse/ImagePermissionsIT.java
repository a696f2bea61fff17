package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image holds every file in it, whatever their own permissions: new ones are made 0600 (by
 * mkfs and by the first mount of the default image).
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
        } finally {
            if (Mounts.isNvmfsMount(mnt)) {
                assertEquals(0, Mounted.nvmfs("umount", mnt.toString()).exit());
            }
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
