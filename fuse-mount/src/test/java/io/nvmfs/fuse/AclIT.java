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
 * POSIX ACLs through a real mount with setfacl and getfacl: the kernel enforces them for another
 * user (nobody, so the mount has allow_other), default ACLs are inherited by files and
 * directories in place of the umask, the umask applies where there is none, chmod moves the
 * mask, and all of it survives a remount.
 */
class AclIT {
    @TempDir
    static Path dir;
    static Mounted m;

    @BeforeAll
    static void mount() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody reaches the mount point
        m = Mounted.fresh(dir, "128M", "allow_other");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (m != null) {
            m.close();
        }
    }

    private static String acl(String path) throws Exception {
        return m.shOk("getfacl -c -p " + path).out().trim();
    }

    @Test
    void anAccessAclIsEnforcedForAnotherUser() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("access ACL", () -> {
                m.shOk("echo secret > f && chmod 600 f");
                assertNotEquals(0, m.sh("runuser -u nobody -- cat f").exit(), "0600 root's: nobody may not read");
                m.shOk("setfacl -m u:nobody:r f");
                assertEquals("secret", m.shOk("runuser -u nobody -- cat f").out().trim(), "the ACL lets nobody read");
                assertEquals("user::rw-\nuser:nobody:r--\ngroup::---\nmask::r--\nother::---", acl("f"));
                assertTrue(m.shOk("ls -l f").out().startsWith("-rw-r-----+"), "ls shows the mask as group bits, and the +");
                assertNotEquals(0, m.sh("runuser -u nobody -- sh -c 'echo x >> f'").exit(), "read only");
                assertNotEquals(0, m.sh("runuser -u nobody -- setfacl -m u:nobody:rw f").exit(), "only the owner sets ACLs");
                m.shOk("chmod 640 f");
                assertEquals("user::rw-\nuser:nobody:r--\ngroup::---\nmask::r--\nother::---", acl("f"), "chmod 640: mask r--");
                m.shOk("chmod 600 f");
                assertTrue(acl("f").contains("mask::---"), "chmod 600 moves the mask to ---: " + acl("f"));
                assertNotEquals(0, m.sh("runuser -u nobody -- cat f").exit(), "the mask now denies nobody");
                m.shOk("setfacl -b f");
                assertEquals("user::rw-\ngroup::---\nother::---", acl("f"));
            });
        }
    }

    @Test
    void aDefaultAclIsInheritedInPlaceOfTheUmask() throws Exception {
        try (Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
            w.run("default ACL", () -> {
                m.shOk("mkdir -m 755 d && setfacl -d -m u:nobody:rwx,g::r-x,o::--- d");
                m.shOk("umask 077 && touch d/file && mkdir d/sub && umask 027 && touch plain && mkdir plaindir");
                assertEquals("user::rw-\nuser:nobody:rwx\t#effective:rw-\ngroup::r-x\t#effective:r--\nmask::rw-\nother::---",
                        acl("d/file"), "0666 through the default ACL; the umask 077 plays no part");
                assertTrue(acl("d/sub").contains("default:user:nobody:rwx"), "a directory passes the default on: " + acl("d/sub"));
                assertEquals("drwxrwx---+", m.shOk("ls -ld d/sub").out().substring(0, 11));
                assertEquals("-rw-r-----", m.shOk("ls -l plain").out().substring(0, 10), "no default ACL: umask 027");
                assertEquals("drwxr-x---", m.shOk("ls -ld plaindir").out().substring(0, 10));
                m.shOk("runuser -u nobody -- sh -c 'echo hi > d/sub/by-nobody'");
                assertEquals("hi", m.shOk("cat d/sub/by-nobody").out().trim());
            });
        }
        String before = acl("d/file") + acl("d/sub") + acl("f 2>/dev/null || true");
        m.close();
        m = Mounted.existing(dir, "allow_other");
        assertEquals(before, acl("d/file") + acl("d/sub") + acl("f 2>/dev/null || true"), "ACLs survive a remount");
    }
}
