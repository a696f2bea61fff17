package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** CRC32C (Castagnoli) over a range of a segment, the checksum of every nvmpg header. */
public final class Crc32c {
    private Crc32c() {}

    public static int of(MemorySegment segment, long offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(segment.asSlice(offset, length).asByteBuffer());
        return (int) crc.getValue();
    }
}
