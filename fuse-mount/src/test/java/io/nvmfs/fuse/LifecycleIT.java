package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signals, crashes, double mounts and every CLI error path, with the real launcher. */
class LifecycleIT {
    @TempDir
    Path dir;

    private static String state(Path image) throws Exception {
        Mounted.Result r = Mounted.nvmfs("info", "--json", image.toString());
        assertEquals(0, r.exit(), r.err());
        return r.out().replaceAll(".*\"state\":\"([a-z]+)\".*\\s*", "$1");
    }

    @Test
    void sigtermUnmountsPersistsAndLeavesItClean() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "128M")) {
            m.shOk("echo kept > f");
            assertEquals("mounted", state(m.image));
            ProcessHandle p = ProcessHandle.of(m.mountPid()).orElseThrow();
            p.destroy();
            p.onExit().get(60, TimeUnit.SECONDS);
            assertFalse(m.mounted());
            assertEquals("clean", state(m.image));
            m.mount();
            assertEquals("kept", m.shOk("cat f").out().trim());
        }
    }

    @Test
    void killMinus9ThenRemountReplaysAndFsyncedDataSurvives() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "128M")) {
            m.shOk("head -c 300000 /dev/urandom > data && sync data && sha256sum data > /tmp/nvmfs-it-sum-" + ProcessHandle.current().pid());
            m.shOk("mkdir d && touch d/x");
            ProcessHandle p = ProcessHandle.of(m.mountPid()).orElseThrow();
            p.destroyForcibly();
            p.onExit().get(60, TimeUnit.SECONDS);
            Mounted.run(java.util.List.of("fusermount", "-u", m.mnt.toString()));
            assertEquals("dirty", state(m.image));
            m.mount();
            m.shOk("sha256sum -c /tmp/nvmfs-it-sum-" + ProcessHandle.current().pid());
            assertTrue(Files.exists(m.mnt.resolve("d/x")), "journaled metadata survives");
            Files.deleteIfExists(Path.of("/tmp/nvmfs-it-sum-" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void secondMountOfTheSameNamespaceIsRefused() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "128M")) {
            Path other = Files.createDirectories(dir.resolve("other"));
            Mounted.Result r = Mounted.nvmfs("mount", m.image.toString(), other.toString());
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("in use by another mount"), r.err());
        }
    }

    @Test
    void mkfsRefusesAMountedNamespaceWhateverTheFlags() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "128M")) {
            m.shOk("echo kept > f");
            for (String[] args : new String[][] {{"mkfs", "--force", m.image.toString()}, {"mkfs", m.image.toString()},
                    {"mkfs", "--force", "--size", "64M", "--label", "other", m.image.toString()}}) {
                Mounted.Result r = Mounted.nvmfs(args);
                assertError(r, m.image + " is mounted on " + m.mnt + "; will not make a filesystem here");
            }
            assertEquals("kept", m.shOk("cat f").out().trim(), "the mounted filesystem is untouched");
            ProcessHandle p = ProcessHandle.of(m.mountPid()).orElseThrow();
            p.destroy();
            p.onExit().get(60, TimeUnit.SECONDS);
            assertEquals("clean", state(m.image));
            m.mount();
            assertEquals("kept", m.shOk("cat f").out().trim(), "and so is what it persisted");
        }
    }

    @Test
    void everyUserErrorIsOneClearLineAndNonZero() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Path img = dir.resolve("fs.img");
        assertError(Mounted.nvmfs("mount", dir.resolve("missing.img").toString(), mnt.toString()), "does not exist");
        Files.write(dir.resolve("junk.img"), new byte[1 << 20]);
        assertError(Mounted.nvmfs("mount", dir.resolve("junk.img").toString(), mnt.toString()), "not an nvmpg namespace");
        Files.write(dir.resolve("tiny.img"), new byte[4096]);
        assertError(Mounted.nvmfs("mount", dir.resolve("tiny.img").toString(), mnt.toString()), "too small");
        assertEquals(0, Mounted.nvmfs("mkfs", "--size", "64M", img.toString()).exit());
        assertError(Mounted.nvmfs("mkfs", img.toString()), "--force");
        assertEquals(0, Mounted.nvmfs("mkfs", "--force", img.toString()).exit());
        assertError(Mounted.nvmfs("mount", img.toString(), dir.resolve("nodir").toString()), "does not exist");
        assertError(Mounted.nvmfs("mount", img.toString(), img.toString()), "not a directory");
        Files.writeString(mnt.resolve("occupant"), "x");
        assertError(Mounted.nvmfs("mount", img.toString(), mnt.toString()), "not empty");
        Files.delete(mnt.resolve("occupant"));
        assertError(Mounted.nvmfs("mount", img.toString(), mnt.toString(), "-o", "bogus"), "unknown mount option");
        assertError(Mounted.nvmfs("mkfs", "--size", "lots", dir.resolve("x.img").toString()), "not a positive size");
        assertEquals(2, Mounted.nvmfs("mount").exit(), "missing arguments are a usage error");
    }

    private static void assertError(Mounted.Result r, String text) {
        assertEquals(1, r.exit(), "exit code of: " + r.err());
        assertTrue(r.err().contains(text), "message names the problem (" + text + "): " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
