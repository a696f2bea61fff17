package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * chown takes set-user-ID (and set-group-ID with group execute, and file capabilities) from a
 * non-directory whoever calls it, even chown(f, -1, -1) — Linux's rule; nvmfs kept 4755 after
 * chown -1 -1 (fstests generic/106). Directories keep their bits.
 */
class ChownPrivilegesTest {
    @Test
    void chownOfAFileTakesItsPrivilegesEvenWithBothIdsMinusOne() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long f = t.writeFile(t.fs.root(), "f", new byte[] {1});
            t.fs.chmod(f, 06755);
            t.fs.setxattr(f, NvmFs.CAPABILITY_XATTR, new byte[] {1, 2, 3}, 0);
            assertEquals(0755, t.fs.chown(f, -1, -1).mode() & 07777, "S_ISUID and S_ISGID (group-executable) go");
            assertNull(t.fs.getxattrOrNull(f, NvmFs.CAPABILITY_XATTR), "capabilities go");
            t.fs.chmod(f, 06745); // set-group-ID without group execute: mandatory locking, kept
            assertEquals(02745, t.fs.chown(f, 1000, -1).mode() & 07777);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            t.fs.chmod(d, 02755);
            assertEquals(02755, t.fs.chown(d, 1000, 1000).mode() & 07777, "a directory keeps set-group-ID");
        }
    }
}
