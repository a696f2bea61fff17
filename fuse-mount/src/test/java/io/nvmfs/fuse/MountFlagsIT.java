package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount(8) options through a real mount: what the kernel lists in /proc/self/mountinfo is
 * what was asked, and the kernel enforces it (noexec, nodev, nosuid); the atime family keeps
 * nvmfs's own atime policy in step with the flags. The tests run as root, like CI.
 */
class MountFlagsIT {
    @TempDir
    Path dir;

    private Mounted m;
    /** Guards every call into the mount (shell commands included): a lost request fails the test instead of hanging it. */
    private Watchdog w;

    private void fresh(String... options) throws Exception {
        // nobody runs the setuid probe: it must reach the mount point
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        m = Mounted.fresh(dir, "64M", options);
        w = m.watchdog(Duration.ofSeconds(30));
    }

    @AfterEach
    void unmount() throws Exception {
        if (m != null) {
            try (Mounted closing = m) {
                w.close();
            }
        }
    }

    private Mounted.Result sh(String script) throws Exception {
        return w.call(script, () -> m.sh(script));
    }

    private Mounted.Result shOk(String script) throws Exception {
        return w.call(script, () -> m.shOk(script));
    }

    private void remount(String... options) throws Exception {
        w.run("umount", () -> m.ok("umount", m.mnt.toString()));
        m.mount(options);
    }

    @Test
    void noexecAndNoatimeReachTheKernelAndAScriptOnTheMountCannotRun() throws Exception {
        fresh();
        Set<String> flags = m.kernelOptions().mount();
        assertTrue(flags.containsAll(List.of("nosuid", "nodev", "relatime")), "FUSE's defaults: " + flags);
        assertFalse(flags.contains("noexec"), flags.toString());
        shOk("printf '#!/bin/sh\\necho ran\\n' > script && chmod 755 script");
        assertEquals("ran", shOk("./script").out().trim(), "exec is the default");

        remount("noexec,noatime");
        flags = m.kernelOptions().mount();
        assertTrue(flags.containsAll(List.of("noexec", "noatime", "nosuid", "nodev")), flags.toString());
        assertFalse(flags.contains("relatime"), flags.toString());
        Mounted.Result run = sh("./script");
        assertEquals(126, run.exit(), "the kernel refuses to execute it: " + run.err() + run.out());
        assertTrue(run.err().contains("Permission denied"), run.err());
    }

    @Test
    void devAndSuidAsRootAllowDeviceNodesAndSetuidPrograms() throws Exception {
        fresh("dev,suid,allow_other");
        Set<String> flags = m.kernelOptions().mount();
        assertFalse(flags.contains("nodev") || flags.contains("nosuid"), flags.toString());
        shOk("mknod zero c 1 5 && cp /usr/bin/id id && chmod 4755 id");
        assertEquals("4096", shOk("head -c 4096 zero | wc -c").out().trim(), "root opens and reads the device node");
        assertEquals("0", asNobody("./id -u"), "the setuid-root program runs as root");

        remount("allow_other"); // FUSE's defaults again: nosuid, nodev
        Mounted.Result open = sh("head -c 4096 zero");
        assertEquals(1, open.exit(), open.out());
        assertTrue(open.err().contains("Permission denied"), open.err());
        assertEquals("65534", asNobody("./id -u"), "nosuid: the bit is ignored");
    }

    private String asNobody(String command) throws Exception {
        return shOk("setpriv --reuid=65534 --regid=65534 --clear-groups " + command).out().trim();
    }

    @Test
    void theAtimeFamilyIsAcceptedWithItsMeaning() throws Exception {
        fresh("nodiratime,lazytime,dirsync,norelatime,diratime,attr_timeout=0");
        Mounts.Options k = m.kernelOptions();
        assertTrue(k.superblock().containsAll(List.of("lazytime", "dirsync")), k.toString());
        // norelatime: atime on every access (strictatime), which the kernel lists as no atime flag at all
        for (String absent : List.of("relatime", "noatime", "nodiratime")) {
            assertFalse(k.mount().contains(absent), absent + ": " + k);
        }
        assertTrue(atimeMovesOnRead(), "norelatime updates an atime that relatime would keep");

        remount("strictatime,nodiratime,attr_timeout=0");
        k = m.kernelOptions();
        assertTrue(k.mount().contains("nodiratime"), k.toString());
        assertFalse(k.mount().contains("relatime") || k.superblock().contains("lazytime"), k.toString());
        assertTrue(atimeMovesOnRead());

        remount("attr_timeout=0"); // relatime
        assertTrue(m.kernelOptions().mount().contains("relatime"));
        assertFalse(atimeMovesOnRead(), "relatime keeps an atime newer than mtime and ctime, less than a day old");
    }

    /** Whether a read moves an atime that is newer than mtime and ctime and less than a day old. */
    private boolean atimeMovesOnRead() throws Exception {
        long future = System.currentTimeMillis() / 1000 + 3600;
        shOk("echo data > a && touch -a -d @" + future + " a");
        assertEquals(Long.toString(future), shOk("stat -c %X a").out().trim());
        shOk("cat a > /dev/null");
        return !shOk("stat -c %X a").out().trim().equals(Long.toString(future));
    }

    @Test
    void userAndUsersImplyNoexecNosuidNodevUnlessALaterOptionSaysOtherwise() throws Exception {
        fresh("user");
        assertTrue(m.kernelOptions().mount().containsAll(List.of("noexec", "nosuid", "nodev")), m.kernelOptions().toString());
        remount("users,exec");
        Set<String> flags = m.kernelOptions().mount();
        assertTrue(flags.containsAll(List.of("nosuid", "nodev")), flags.toString());
        assertFalse(flags.contains("noexec"), flags.toString());
    }

    @Test
    void optionsNvmfsCannotHonourAreRefusedInOneLine() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Path img = dir.resolve("fs.img");
        assertEquals(0, Mounted.nvmfs("mkfs", "--size", "64M", img.toString()).exit());
        for (String[] refused : new String[][] {{"mand", "mandatory locks"}, {"iversion", "i_version"},
                {"remount", "unmount and mount again"}, {"context=system_u:object_r:tmp_t:s0", "SELinux"}}) {
            Mounted.Result r = Mounted.nvmfs("mount", img.toString(), mnt.toString(), "-o", "noatime," + refused[0]);
            assertEquals(1, r.exit(), refused[0] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains(refused[0]) && r.err().contains(refused[1]), r.err());
            assertFalse(Mounts.isMountPoint(mnt.toAbsolutePath()));
        }
    }

    @Test
    void everyOptionIsInTheKernelBeforeTheMountCommandReturns() throws Exception {
        // nodiratime and lazytime are set after fuse_mount: the background mount waits for them too
        fresh("nodiratime,lazytime,nosymfollow");
        for (int i = 0; i < 3; i++) {
            Mounts.Options k = m.kernelOptions();
            assertTrue(k.mount().containsAll(List.of("nodiratime", "nosymfollow")) && k.superblock().contains("lazytime"),
                    k.toString());
            Path f = m.mnt.resolve("f" + i);
            w.run("a file op after the flags were set", () -> Files.writeString(f, "x"));
            remount("nodiratime,lazytime,nosymfollow");
        }
    }
}
