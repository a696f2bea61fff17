package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** listxattr lists trusted.* names only to a privileged caller, as ext4, XFS and tmpfs (fstests generic/091). */
class TrustedXattrListTest {
    @Test
    void listxattrShowsTrustedNamesOnlyToRoot() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long f = t.writeFile(t.fs.root(), "f", new byte[] {1});
            t.fs.setxattr(f, "trusted.t", new byte[] {1}, 0);
            t.fs.setxattr(f, "user.u", new byte[] {2}, 0);
            assertEquals("trusted.t\0user.u\0", new String(t.fs.listxattr(f, 0, Caller.ROOT)));
            assertEquals("user.u\0", new String(t.fs.listxattr(f, 0, new Caller(1000, 1000))));
        }
    }
}
