package io.nvmfs.nvmpg;

/** Bit mixing shared by the on-media check bits and the DRAM hash tables. */
public final class Mix {
    private Mix() {}

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. Part of the on-media format. */
    public static long fmix64(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    /** Home slot of {@code key} in an open-addressing table of {@code mask + 1} slots (not on media). */
    public static int slot(long key, int mask) {
        long h = key * 0x9e3779b97f4a7c15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /**
     * Backward-shift deletion: may the entry at {@code i}, whose home slot is {@code home}, move
     * into the hole at {@code hole}? Only if its home does not lie cyclically in (hole, i].
     */
    public static boolean canFill(int hole, int i, int home) {
        return hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
    }
}
