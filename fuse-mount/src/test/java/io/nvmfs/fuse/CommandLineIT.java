package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as users of e2fsprogs and FUSE tools expect it: a mistyped subcommand or an
 * extra argument is a usage error (exit 2, one line and a hint) — it used to mount, and create,
 * the default image; {@code nvmfs} alone exits 2; every subcommand answers --version; a mount
 * says nothing on stdout unless asked (-v) or on a terminal; and a mount point left stale by a
 * killed mount is named as such, with the command that clears it.
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
}
