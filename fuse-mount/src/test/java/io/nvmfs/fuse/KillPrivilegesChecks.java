package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real mount with {@link #options()}, and what HANDLE_KILLPRIV_V2 (asked for in
 * {@link InitNegotiation}) hands to nvmfs whatever the cache mode: the filesystem, not the kernel,
 * takes set-user-ID/set-group-ID away on write, truncate and chown, exactly as the VFS does on
 * ext4 or tmpfs. Each subclass mounts one way; the checks run on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KillPrivilegesChecks {
    Mounted m;

    /** Mount options; allow_other is needed, the privilege checks write as the user nobody. */
    abstract String options();

    @BeforeAll
    void mount(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        m = Mounted.fresh(dir, "256M", options());
        m.shOk("chmod 1777 .");
    }

    @AfterAll
    void unmount() throws Exception {
        m.close();
    }

    /** Unmounts and mounts again: what is read next comes from the namespace, not a kernel cache. */
    void remount() throws Exception {
        m.ok("umount", m.mnt.toString());
        m.mount(options());
    }

    /**
     * Writes {@code marker} through a descriptor it keeps open (no fsync, no close) and returns
     * whether the namespace image held it by then: the image is the file nvmfs maps, so a write
     * that reached nvmfs is in it at once; one the kernel still caches is not.
     */
    boolean imageHoldsWhileOpen(String marker) throws Exception {
        Path f = m.mnt.resolve("probe-" + Integer.toHexString(marker.hashCode())); // the name is in the image too
        try (var out = Files.newOutputStream(f)) {
            out.write(marker.getBytes(StandardCharsets.US_ASCII));
            out.flush(); // the stream's own buffer only; the descriptor stays open
            return imageHolds(marker);
        }
    }

    boolean imageHolds(String marker) throws Exception {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        byte[] image = Files.readAllBytes(m.image);
        for (int i = 0; i + needle.length <= image.length; i++) {
            if (Arrays.equals(image, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private String modeAfter(String setup, String asNobody) throws Exception {
        m.shOk("rm -f p && touch p && " + setup);
        m.shOk("setpriv --reuid=65534 --regid=65534 --clear-groups bash -c '" + asNobody + "'");
        remount(); // the mode as stored, not the kernel's cached attributes
        return m.shOk("stat -c %A p").out().trim();
    }

    @Test
    void writeAndTruncateByAnotherUserTakeSetuidAndSetgidAway() throws Exception {
        assertEquals("-rwxrwxrwx", modeAfter("chmod 6777 p", "echo data >> p"));
        assertEquals("-rwxrwxrwx", modeAfter("echo data > p && chmod 6777 p", "truncate -s 1 p"));
        // Without group execute set-group-ID stays for a writer in the file's group (it marks
        // mandatory locking) and goes for one outside it, as the VFS does (tmpfs: PrivilegeBitsIT).
        assertEquals("-rwxrw-rwx", modeAfter("chmod 2767 p", "echo data >> p"));
    }

    @Test
    void theOwnerRootKeepsTheBitsOnWriteButChownTakesThem() throws Exception {
        m.shOk("rm -f q && touch q && chmod 6755 q && echo data >> q");
        remount();
        assertEquals("-rwsr-sr-x", m.shOk("stat -c %A q").out().trim(), "root has CAP_FSETID");
        m.shOk("chown 1000:1000 q");
        remount();
        assertEquals("-rwxr-xr-x 1000 1000", m.shOk("stat -c '%A %u %g' q").out().trim());
    }
}
