package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/**
 * What the kernel's writeback cache (-o writeback_cache, asked for in {@link InitNegotiation}) changes,
 * seen through a real mount: the kernel reads through write-only handles and computes append
 * offsets itself, and dirty pages reach the namespace by unmount. The privilege checks of the
 * base class run here too, since with the cache the kernel flags the write-back requests.
 */
class WritebackCacheIT extends KillPrivilegesChecks {
    @Override
    String options() {
        return "allow_other,writeback_cache";
    }

    @Test
    void writtenPagesStayInTheKernelUntilClose() throws Exception {
        String marker = "writeback-5e81d2";
        assertFalse(imageHoldsWhileOpen(marker), "the kernel caches the write (the cache was granted)");
        assertTrue(imageHolds(marker), "close (FLUSH) hands it to nvmfs");
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
        assertArrayEquals(expected, Files.readAllBytes(f));
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
}
