package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * chattr and lsattr through a real mount (the kernel's fileattr requests as FUSE IOCTLs): the
 * four flags nvmfs keeps are set, shown, kept across a remount and enforced on files and
 * directories, for root too; an owner who is not root may set nodump and noatime but not
 * immutable (the kernel asks for CAP_LINUX_IMMUTABLE); a flag nvmfs does not keep is refused.
 */
class FileAttrIT {
    @TempDir
    static Path dir;
    static Mounted m;

    @BeforeAll
    static void mount() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        m = Mounted.fresh(dir, "128M", "allow_other");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (m != null) {
            m.close();
        }
    }

    /** lsattr's flag letters in their columns, without the trailing dashes (their count depends on e2fsprogs' version). */
    private static String flags(String path) throws Exception {
        return m.shOk("lsattr -d " + path).out().trim().split("\\s+")[0].replaceAll("-+$", "");
    }

    @Test
    void immutableAndAppendOnlyAreEnforcedAndKeptAcrossARemount() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(60))) {
            w.run("chattr", () -> {
                m.shOk("echo one > i && echo one > a && mkdir d && touch d/x");
                assertEquals("", flags("i"), "no flags at first");
                m.shOk("chattr +i i && chattr +a a && chattr +i d");
                assertEquals("----i", flags("i"));
                assertEquals("-----a", flags("a"));
                assertNotEquals(0, m.sh("echo two > i").exit(), "write to immutable");
                assertNotEquals(0, m.sh("rm -f i").exit(), "rm of immutable");
                assertNotEquals(0, m.sh("mv i i2").exit(), "mv of immutable");
                assertNotEquals(0, m.sh("ln i i3").exit(), "link to immutable");
                assertNotEquals(0, m.sh("chmod 600 i").exit(), "chmod of immutable");
                assertNotEquals(0, m.sh("truncate -s 0 i").exit(), "truncate of immutable");
                assertNotEquals(0, m.sh("setfattr -n user.x -v 1 i").exit(), "setxattr on immutable");
                assertTrue(m.sh("echo two > i").err().contains("Operation not permitted"), m.sh("echo two > i").err());
                assertEquals("one", m.shOk("cat i").out().trim(), "immutable is still readable");
                assertNotEquals(0, m.sh("echo two > a").exit(), "overwrite of append-only");
                m.shOk("echo two >> a");
                assertEquals("one\ntwo", m.shOk("cat a").out().trim(), "append-only grows");
                assertNotEquals(0, m.sh("rm -f a").exit(), "rm of append-only");
                assertNotEquals(0, m.sh("touch d/new").exit(), "create in an immutable directory");
                assertNotEquals(0, m.sh("rm -f d/x").exit(), "rm in an immutable directory");
                m.close();
                m.mount("allow_other");
                assertEquals("----i", flags("i"), "kept across a remount");
                assertEquals("----i", flags("d"));
                assertNotEquals(0, m.sh("rm -f i").exit(), "still immutable after a remount");
                m.shOk("chattr -i i d && chattr -a a");
                m.shOk("echo three > i && rm i a d/x && touch d/new && rm -r d");
            });
        }
    }

    @Test
    void noatimeNodumpForTheOwnerAndTheCapabilityRuleForImmutable() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(60))) {
            w.run("owner flags", () -> {
                m.shOk("mkdir -m 777 pub && runuser -u nobody -- sh -c 'echo x > pub/f'");
                m.shOk("runuser -u nobody -- chattr +d +A pub/f");
                assertEquals("------dA", flags("pub/f"));
                assertNotEquals(0, m.sh("runuser -u nobody -- chattr +i pub/f").exit(), "immutable needs CAP_LINUX_IMMUTABLE");
                assertNotEquals(0, m.sh("chattr +i pub/f 2>/dev/null; runuser -u nobody -- chattr -i pub/f").exit(),
                        "and so does clearing it");
                m.shOk("chattr -i pub/f");
                Mounted.Result r = m.sh("chattr +c pub/f"); // compression: not a flag nvmfs keeps
                assertNotEquals(0, r.exit(), "an unsupported flag is refused");
                assertTrue(r.err().contains("Operation not supported"), r.err());
                m.shOk("touch -a -d 2000-01-01 pub/f && cat pub/f > /dev/null");
                assertTrue(m.shOk("stat -c %x pub/f").out().startsWith("2000-01-01"), "noatime: the read left atime alone");
                m.shOk("rm -r pub");
            });
        }
    }
}
