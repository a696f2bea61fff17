package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
 * Tests named "...ThroughTheLauncher" run bin/nvmfs itself.
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
}
