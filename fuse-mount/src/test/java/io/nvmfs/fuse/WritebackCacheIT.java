package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the kernel's writeback cache and HANDLE_KILLPRIV_V2 (asked for in {@link KernelInit})
 * change, seen through a real mount with the default options: the kernel reads through write-only
 * handles and computes append offsets itself; dirty pages reach the namespace by unmount; and
 * the filesystem, not the kernel, now takes set-user-ID/set-group-ID away on write, truncate and
 * chown, exactly as the VFS does on ext4 or tmpfs.
 */
class WritebackCacheIT {
    @TempDir
    static Path dir;
    static Mounted m;

    @BeforeAll
    static void mount() throws Exception {
        // allow_other and a traversable directory: the privilege tests write as the user nobody.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        m = Mounted.fresh(dir, "256M", "allow_other");
        m.shOk("chmod 1777 .");
    }

    @AfterAll
    static void unmount() throws Exception {
        m.close();
    }

    private void remount() throws Exception {
        m.ok("umount", m.mnt.toString());
        m.mount("allow_other");
    }

    @Test
    void partialPageWritesThroughAWriteOnlyHandleKeepTheRestOfThePage() throws Exception {
        Path f = m.mnt.resolve("rmw");
        byte[] expected = new byte[12288];
        new java.util.Random(5).nextBytes(expected);
        Files.write(f, expected);
        remount(); // nothing of rmw in the page cache
        // O_WRONLY: the kernel must read the page it only partly overwrites, through this handle.
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("XYZ".getBytes(StandardCharsets.US_ASCII)), 5000);
        }
        System.arraycopy("XYZ".getBytes(StandardCharsets.US_ASCII), 0, expected, 5000, 3);
        remount(); // what is read back now comes from the namespace, not the page cache
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void appendsThroughTwoHandlesLandInOrderOnce() throws Exception {
        m.shOk("echo first > app && exec 3>>app 4>>app && echo a >&3 && echo b >&4 && echo c >&3 && exec 3>&- 4>&-");
        remount();
        assertEquals("first\na\nb\nc\n", m.shOk("cat app").out());
    }

    @Test
    void dirtyMappedPagesReachTheNamespaceByUnmount() throws Exception {
        Path f = m.mnt.resolve("mapped");
        byte[] text = "written through a shared mapping, never msync'ed".getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            ch.truncate(8192);
            MemorySegment map = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
            MemorySegment.copy(MemorySegment.ofArray(text), 0, map, 4096, text.length);
        } // unmapped and closed: the page is dirty in the kernel's cache only
        remount();
        byte[] back = Files.readAllBytes(f);
        assertEquals(new String(text, StandardCharsets.US_ASCII), new String(back, 4096, text.length, StandardCharsets.US_ASCII));
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
        // Without group execute set-group-ID means mandatory locking and stays.
        assertEquals("-rwxrwSrwx", modeAfter("chmod 2767 p", "echo data >> p"));
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
