package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as users of e2fsprogs and FUSE tools expect it: a mistyped subcommand or an
 * extra argument is a usage error (exit 2, one line and a hint) — it used to mount, and create,
 * the default image; {@code nvmfs} alone exits 2; every subcommand answers --version; a mount
 * says nothing on stdout unless asked (-v) or on a terminal; and a mount point left stale by a
 * killed mount is named as such, with the command that clears it. The default image follows the
 * environment as the shell user sees it: $XDG_DATA_HOME, else $HOME (Java's user.home is the
 * passwd entry, which ignored HOME=...), and info and fsck use it when no NAMESPACE is given.
 * A mount that cannot use /dev/fuse says so in one line before it makes the default image (it
 * made the 4 GiB image first). Tests named "...ThroughTheLauncher" run bin/nvmfs itself.
 */
class CommandLineIT {
    @TempDir
    Path dir;

    private static void assertUsageError(Mounted.Result r, String what) {
        assertEquals(2, r.exit(), what + ": " + r.err());
        assertTrue(r.err().lines().count() <= 2 && r.err().contains("--help"), what + ": one line and a hint: " + r.err());
    }

    @Test
    void mistakesAreUsageErrorsAndNothingIsMounted() throws Exception {
        Path mp = Files.createDirectories(dir.resolve("mp"));
        assertUsageError(Mounted.nvmfs("moutn", dir.resolve("a.img").toString(), mp.toString()), "a mistyped subcommand");
        assertUsageError(Mounted.nvmfs("tune", dir.resolve("a.img").toString()), "an unknown subcommand");
        assertUsageError(Mounted.nvmfs("mount", "A", "B", mp.toString()), "mount with three arguments");
        Mounted.Result bare = Mounted.nvmfs();
        assertEquals(2, bare.exit(), "nvmfs alone");
        assertTrue(bare.err().contains("Usage: nvmfs"), bare.err());
        assertTrue(!Mounts.isNvmfsMount(mp.toAbsolutePath()), "nothing got mounted");
    }

    @Test
    void everySubcommandPrintsTheVersion() throws Exception {
        for (String sub : new String[] {"mkfs", "mount", "umount", "info", "fsck"}) {
            for (String flag : new String[] {"--version", "-V"}) {
                Mounted.Result r = Mounted.nvmfs(sub, flag);
                assertEquals(0, r.exit(), sub + " " + flag + ": " + r.err());
                assertTrue(r.out().startsWith("nvmfs 0."), sub + " " + flag + " printed: " + r.out());
            }
        }
    }

    @Test
    void aMountIsSilentUnlessAskedAndAStaleMountPointIsNamed() throws Exception {
        Path image = dir.resolve("fs.img");
        Path mp = Files.createDirectories(dir.resolve("mnt"));
        assertEquals(0, Mounted.nvmfs("mkfs", "--size", "64M", image.toString()).exit());
        Mounted.Result quiet = Mounted.nvmfs("mount", image.toString(), mp.toString());
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals("", quiet.out(), "nothing on stdout off a terminal");
        assertEquals(0, Mounted.nvmfs("umount", mp.toString()).exit());
        Mounted.Result verbose = Mounted.nvmfs("mount", "-v", image.toString(), mp.toString());
        assertTrue(verbose.out().startsWith("nvmfs: mounted "), "-v says where: " + verbose.out());
        long pid = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("mount " + image + " " + mp)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElseThrow();
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        h.destroyForcibly();
        h.onExit().get();
        Mounted.Result stale = Mounted.nvmfs("mount", image.toString(), mp.toString());
        assertEquals(1, stale.exit(), stale.err());
        assertTrue(stale.err().contains("stale FUSE mount") && stale.err().contains("nvmfs umount " + mp),
                "names the stale mount and the fix: " + stale.err());
        assertEquals(0, Mounted.nvmfs("umount", mp.toString()).exit(), "umount clears it");
        assertEquals(0, Mounted.nvmfs("mount", image.toString(), mp.toString()).exit(), "and it mounts again");
        assertEquals(0, Mounted.nvmfs("umount", mp.toString()).exit());
    }

    @Test
    void theDefaultImageFollowsHomeAndXdgDataHomeThroughTheLauncher() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path mp = Files.createDirectories(dir.resolve("mnt"));
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_DATA_HOME", null);
        Path img = home.resolve(".local/share/nvmfs/default.img");
        Mounted.Result mount = Mounted.launcher(env, "mount", mp.toString());
        try {
            assertEquals(0, mount.exit(), mount.err());
            assertTrue(Files.isRegularFile(img), "HOME=" + home + ": the default image is made under it: " + mount.err());
            assertTrue(Mounts.isNvmfsMount(mp.toAbsolutePath()), "and mounted");
        } finally {
            if (Mounts.isNvmfsMount(mp.toAbsolutePath())) {
                assertEquals(0, Mounted.launcher(env, "umount", mp.toString()).exit());
            }
        }
        Mounted.Result info = Mounted.launcher(env, "info");
        assertEquals(0, info.exit(), "info without NAMESPACE: " + info.err());
        assertTrue(info.out().startsWith("namespace      " + img + "\n"), info.out());
        Mounted.Result fsck = Mounted.launcher(env, "fsck", "-n", "-f");
        assertEquals(0, fsck.exit(), "fsck without NAMESPACE: " + fsck.err() + fsck.out());
        assertTrue(fsck.out().contains("\n" + img + ": "), "the summary names the default image: " + fsck.out());

        Path xdg = dir.resolve("xdg");
        env.put("XDG_DATA_HOME", xdg.toString()); // wins over HOME; nothing there yet
        Mounted.Result noInfo = Mounted.launcher(env, "info");
        assertEquals(1, noInfo.exit(), noInfo.err());
        assertTrue(noInfo.err().contains(xdg.resolve("nvmfs/default.img") + " does not exist"), noInfo.err());
        Mounted.Result noFsck = Mounted.launcher(env, "fsck", "-n");
        assertEquals(8, noFsck.exit(), noFsck.err());
        assertTrue(noFsck.err().contains(xdg.resolve("nvmfs/default.img") + " does not exist"), noFsck.err());
        assertTrue(!Files.exists(xdg), "neither makes anything");
    }

    /**
     * /dev/fuse missing, and /dev/fuse not accessible to the user: each time in a private mount
     * namespace of its own (unshare -m; its mounts vanish with it, the machine's /dev is never
     * touched), with the real launcher run inside it.
     */
    @Test
    void aMountWithoutAUsableFuseDeviceSaysSoBeforeMakingTheDefaultImageThroughTheLauncher() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody must reach home/
        Path data = Files.createDirectories(dir.resolve("data")); // XDG_DATA_HOME: where the default image would go
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path mp = Files.createDirectories(dir.resolve("mnt"));
        Files.setPosixFilePermissions(mp, PosixFilePermissions.fromString("rwxrwxrwx"));
        String nvmfs = "env XDG_DATA_HOME='" + data + "' '" + Mounted.checkout().resolve("bin/nvmfs") + "' mount '" + mp + "'";

        // Missing: a /dev of its own that has only null, zero, full, random and urandom (the JVM needs those).
        Files.createDirectories(dir.resolve("realdev"));
        Mounted.Result missing = inPrivateMountNamespace("mount --bind /dev '" + dir.resolve("realdev") + "'"
                + " && mount -t tmpfs -o mode=755 tmpfs /dev"
                + " && for n in null zero full random urandom; do : > /dev/$n && mount --bind '" + dir.resolve("realdev") + "'/$n /dev/$n; done"
                + " && exec " + nvmfs);
        assertOneLineBeforeAnyImage(missing, data, "/dev/fuse is missing", "modprobe fuse");

        // No permission: an owner-only file over /dev/fuse, and the launcher run as nobody.
        Path denied = Files.createFile(dir.resolve("denied-fuse"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Mounted.Result noAccess = inPrivateMountNamespace("mount --bind '" + denied + "' /dev/fuse"
                + " && exec setpriv --reuid=65534 --regid=65534 --clear-groups " + nvmfs);
        assertOneLineBeforeAnyImage(noAccess, data, "/dev/fuse is not accessible to this user (nobody)", "chmod 0666 /dev/fuse");
        assertTrue(noAccess.err().contains("mount as root"), noAccess.err());
    }

    private static Mounted.Result inPrivateMountNamespace(String script) throws Exception {
        return Mounted.run(List.of("unshare", "--mount", "--propagation", "private", "bash", "-c", "set -e; " + script));
    }

    private static void assertOneLineBeforeAnyImage(Mounted.Result r, Path data, String says, String fix) {
        assertEquals(1, r.exit(), r.err() + r.out());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(says) && r.err().contains(fix), "names the problem and the fix: " + r.err());
        assertTrue(!Files.exists(data.resolve("nvmfs")), "no default image was made: " + r.err());
    }
}
