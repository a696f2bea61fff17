package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.nvmfs.nvmpg.Crc32c;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Little-endian fields at any offset, whatever the host's byte order, and the CRC32C (Castagnoli)
 * every fs-core checksum uses: the standard check value, the same from a byte array as from a
 * segment, and the same as nvmpg's.
 */
class LeTest {
    @Test
    void fieldsAreLittleEndianAtAnyOffset() {
        byte[] b = new byte[32];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(Le.LONG, 1, 0x0102_0304_0506_0708L);
        assertArrayEquals(new byte[] {0, 8, 7, 6, 5, 4, 3, 2, 1, 0}, Arrays.copyOf(b, 10));
        s.set(Le.INT, 13, 0x0a0b_0c0d);
        assertArrayEquals(new byte[] {0x0d, 0x0c, 0x0b, 0x0a}, Arrays.copyOfRange(b, 13, 17));
        s.set(Le.SHORT, 19, (short) 0x1234);
        assertArrayEquals(new byte[] {0x34, 0x12}, Arrays.copyOfRange(b, 19, 21));
        assertEquals(0x0102_0304_0506_0708L, s.get(Le.LONG, 1));
        assertEquals(0x0a0b_0c0d, s.get(Le.INT, 13));
        assertEquals((short) 0x1234, s.get(Le.SHORT, 19));
    }

    @Test
    void negativeValuesRoundTripThroughEveryWidth() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        s.set(Le.LONG, 3, Long.MIN_VALUE + 5);
        assertEquals(Long.MIN_VALUE + 5, s.get(Le.LONG, 3));
        s.set(Le.INT, 5, -2);
        assertEquals(-2, s.get(Le.INT, 5));
        assertEquals((byte) 0xfe, s.get(ValueLayout.JAVA_BYTE, 5));
        s.set(Le.SHORT, 11, (short) -1);
        assertEquals((short) -1, s.get(Le.SHORT, 11));
    }

    @Test
    void crc32cIsCastagnolisStandardCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe3069283, Le.crc32c(check, 0, check.length));
        assertEquals(0xe3069283, Le.crc32c(MemorySegment.ofArray(check), 0, check.length));
        assertEquals(0, Le.crc32c(check, 4, 0), "the CRC of nothing");
        // 32 zero bytes: a vector of RFC 3720 (iSCSI), B.4.
        assertEquals(0x8a9136aa, Le.crc32c(new byte[32], 0, 32));
    }

    @Test
    void crc32cCoversExactlyTheRangeGiven() {
        byte[] b = "xx123456789yy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe3069283, Le.crc32c(b, 2, 9));
        assertEquals(0xe3069283, Le.crc32c(MemorySegment.ofArray(b), 2, 9));
        b[1] = 'z';
        b[11] = 'z';
        assertEquals(0xe3069283, Le.crc32c(b, 2, 9), "bytes outside the range do not count");
        b[10] ^= 1;
        assertNotEquals(0xe3069283, Le.crc32c(b, 2, 9));
    }

    @Test
    void arraySegmentAndNvmpgChecksumsAgreeOnRandomRanges() {
        Random rnd = new Random(11);
        byte[] b = new byte[8192];
        rnd.nextBytes(b);
        MemorySegment heap = MemorySegment.ofArray(b);
        MemorySegment offHeap = Arena.ofAuto().allocate(b.length);
        MemorySegment.copy(heap, 0, offHeap, 0, b.length);
        for (int i = 0; i < 2000; i++) {
            int off = rnd.nextInt(b.length);
            int len = rnd.nextInt(b.length - off + 1);
            int want = Le.crc32c(b, off, len);
            assertEquals(want, Le.crc32c(heap, off, len), "heap segment, offset " + off + " length " + len);
            assertEquals(want, Le.crc32c(offHeap, off, len), "native segment, offset " + off + " length " + len);
            assertEquals(want, Crc32c.of(offHeap, off, len), "nvmpg's, offset " + off + " length " + len);
        }
    }

    @Test
    void crc32cChangesWithAnySingleFlippedBit() {
        byte[] b = new byte[252]; // an inode record's checksummed bytes
        new Random(5).nextBytes(b);
        int good = Le.crc32c(b, 0, b.length);
        for (int bit = 0; bit < b.length * 8; bit++) {
            b[bit >>> 3] ^= (byte) (1 << (bit & 7));
            assertNotEquals(good, Le.crc32c(b, 0, b.length), "bit " + bit);
            b[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
    }
}
