package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Fixed-size, NUL-padded UTF-8 label fields (superblock and owner slots). */
final class Labels {
    private Labels() {}

    /** Rejects labels that do not fit in {@code capacity - 1} bytes, so a stored label always ends in NUL. */
    static byte[] encode(String label, int capacity) {
        byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= capacity) {
            throw new IllegalArgumentException("label '" + label + "' is " + bytes.length
                    + " bytes; at most " + (capacity - 1) + " fit");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("label '" + label + "' contains a NUL character");
            }
        }
        return bytes;
    }

    static void write(MemorySegment s, long offset, int capacity, String label) {
        byte[] bytes = encode(label, capacity);
        s.asSlice(offset, capacity).fill((byte) 0);
        MemorySegment.copy(bytes, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    /** Reads up to the first NUL; malformed UTF-8 becomes replacement characters, never an exception. */
    static String read(MemorySegment s, long offset, int capacity) {
        byte[] bytes = s.asSlice(offset, capacity).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int len = 0;
        while (len < bytes.length && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }
}
