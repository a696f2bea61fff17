package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mount(8) -t fuse.nvmfs and mkfs -t nvmfs, as fstab and admins call them, after bin/install
 * (mount runs helpers with a fixed PATH, /usr/local/bin included). Links that existed before the
 * test are put back afterwards.
 */
class MountHelperIT {
    @TempDir
    Path dir;

    @Test
    void mountDashTFuseNvmfsMkfsAndFsckDotNvmfs() throws Exception {
        Path checkout = Path.of(System.getProperty("nvmfs.jar")).getParent().getParent().getParent();
        // Everything bin/install links, and what each link pointed to before (null: none).
        java.util.Map<Path, Path> before = new java.util.LinkedHashMap<>();
        for (String name : new String[] {"bin/nvmfs", "bin/mkfs.nvmfs", "bin/fsck.nvmfs", "share/bash-completion/completions/nvmfs",
                "share/man/man1/nvmfs.1", "share/man/man1/nvmfs-mkfs.1", "share/man/man1/nvmfs-mount.1",
                "share/man/man1/nvmfs-umount.1", "share/man/man1/nvmfs-info.1", "share/man/man1/nvmfs-fsck.1"}) {
            Path link = Path.of("/usr/local").resolve(name);
            before.put(link, Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : null);
        }
        Mounted.Result inst = Mounted.run(List.of(checkout.resolve("bin/install").toString()));
        try {
            assertEquals(0, inst.exit(), inst.err() + inst.out());
            mountAndMkfs();
        } finally {
            for (java.util.Map.Entry<Path, Path> e : before.entrySet()) {
                restore(e.getKey(), e.getValue());
            }
        }
    }

    private static void restore(Path link, Path target) throws Exception {
        Files.deleteIfExists(link);
        if (target != null) {
            Files.createSymbolicLink(link, target);
        }
    }

    private void mountAndMkfs() throws Exception {
        Path img = dir.resolve("fs.img");
        Files.write(img, new byte[0]);
        Mounted.run(List.of("truncate", "-s", "64M", img.toString()));
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Mounted.Result mkfs = Mounted.run(List.of("mkfs", "-t", "nvmfs", img.toString()));
        assertEquals(0, mkfs.exit(), mkfs.err() + mkfs.out());
        Mounted.Result mount = Mounted.run(List.of("mount", "-t", "fuse.nvmfs", img.toString(), mnt.toString(), "-o", "noatime,noexec"));
        assertEquals(0, mount.exit(), mount.err() + mount.out());
        try {
            assertTrue(Mounts.isNvmfsMount(mnt.toAbsolutePath()));
            // The fstab options reach the kernel; mount.fuse adds dev and suid (mount(8)'s defaults) unless told nodev, nosuid.
            Mounts.Options k = Mounts.optionsAt(mnt.toAbsolutePath());
            assertTrue(k.mount().containsAll(List.of("noatime", "noexec")), k.toString());
            assertFalse(k.mount().contains("nosuid") || k.mount().contains("nodev"), k.toString());
            Files.writeString(mnt.resolve("via-mount8"), "ok");
            assertEquals("ok", Files.readString(mnt.resolve("via-mount8")));
        } finally {
            Mounted.Result um = Mounted.run(List.of("umount", mnt.toString()));
            assertEquals(0, um.exit(), um.err());
        }
        Mounts.awaitUnlocked(img);
        // fsck(8) finds fsck.nvmfs on PATH, as at boot for an fstab line with a pass number.
        Mounted.Result fsck = Mounted.run(List.of("fsck", "-t", "nvmfs", "-f", "-n", img.toString()));
        assertEquals(0, fsck.exit(), fsck.err() + fsck.out());
        assertTrue(fsck.out().contains("Pass 8: space"), fsck.out());
    }
}
