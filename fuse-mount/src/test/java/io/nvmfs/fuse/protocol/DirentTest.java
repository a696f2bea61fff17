package io.nvmfs.fuse.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** struct fuse_dirent as fuse_kernel.h lays it out: the cookie of each entry is the one given. */
class DirentTest {
    @Test
    void recordsAreLaidOutAndPaddedAsTheKernelReadsThem() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            buf.fill((byte) 0x55);
            byte[] name = "abcde".getBytes();
            assertEquals(32, Dirent.put(buf, 0, 64, 77, 24_539, 8, name));
            assertEquals(77, buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertEquals(24_539, buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 8), "off: the cookie that continues the listing");
            assertEquals(5, buf.get(ValueLayout.JAVA_INT_UNALIGNED, 16));
            assertEquals(8, buf.get(ValueLayout.JAVA_INT_UNALIGNED, 20));
            assertArrayEquals(name, buf.asSlice(24, 5).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new byte[3], buf.asSlice(29, 3).toArray(ValueLayout.JAVA_BYTE), "zero padding to 8 bytes");
            assertEquals(0x55, buf.get(ValueLayout.JAVA_BYTE, 32), "nothing written past the record");
        }
    }

    @Test
    void aRecordThatDoesNotFitIsNotWrittenAndItsLengthSaysSo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            buf.fill((byte) 0x55);
            assertEquals(Dirent.recordLength(255), Dirent.put(buf, 0, 64, 1, 2, 4, new byte[255]));
            assertEquals(280, Dirent.recordLength(255));
            assertEquals(0x5555555555555555L, buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertEquals(32, Dirent.recordLength(1));
        }
    }
}
