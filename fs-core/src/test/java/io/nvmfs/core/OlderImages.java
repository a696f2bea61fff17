package io.nvmfs.core;

import java.lang.foreign.MemorySegment;

/**
 * What nvmfs wrote before xattr blocks (FORMAT.md, "Versions"), written here from the format's
 * description so that tests can make such an image: a superblock whose features are 0.
 */
final class OlderImages {
    private OlderImages() {}

    /** Sets the features of the superblock at byte offset {@code sb} to 0, with its CRC, as mkfs of older code left them. */
    static void clearFeatures(MemorySegment s, long sb) {
        s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, 0);
        s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(s, sb, FsSuperblockFormat.OFF_CRC));
    }
}
