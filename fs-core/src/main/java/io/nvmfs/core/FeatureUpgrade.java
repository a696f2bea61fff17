package io.nvmfs.core;

/**
 * Brings an image made by older code up to the superblock features this code writes
 * ({@link FsSuperblockFormat#KNOWN_FEATURES}; FORMAT.md, "Versions"), at a read-write attach,
 * right after journal replay, before anything else is written: one journaled transaction writes the new features word and the
 * CRC that covers it, and a checkpoint then persists the home superblock. So the bit is durable
 * at home before any structure that needs it can be linked (a version 2 xattr block), and older
 * code, which refuses unknown feature bits, refuses the image instead of taking such a block for
 * damage. A read-only attach never upgrades: it writes nothing.
 *
 * <p>Crash: before the record is persisted nothing changed; after it, replay applies both writes.
 * Until the checkpoint the home superblock may hold one write without the other, which
 * {@link FsSuperblockFormat#problemBeforeReplay} accepts because the record is still live.
 */
final class FeatureUpgrade {
    private FeatureUpgrade() {}

    /**
     * Adds the missing known features to the superblock at byte offset {@code sb}, through
     * {@code journal} (replayed already); a line for the attach report, or null if none were missing.
     */
    static String run(java.lang.foreign.MemorySegment seg, Journal journal, long sb) throws FsException {
        int features = seg.get(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES);
        int want = features | FsSuperblockFormat.KNOWN_FEATURES;
        if (want == features) {
            return null;
        }
        journal.commit(writes(seg, sb, want));
        journal.checkpoint();
        return "upgraded the filesystem's features from 0x" + Integer.toHexString(features) + " to 0x"
                + Integer.toHexString(want) + " (xattr blocks, partly full extent pages): nvmfs older than this one will refuse to mount it";
    }

    /** The transaction that sets the features of the superblock at {@code sb} to {@code features}: that word and the CRC. */
    static Transaction writes(java.lang.foreign.MemorySegment s, long sb, int features) {
        Transaction tx = new Transaction();
        tx.write(sb + FsSuperblockFormat.OFF_FEATURES, le(features));
        tx.write(sb + FsSuperblockFormat.OFF_CRC, le(FsSuperblockFormat.crcWithFeatures(s, sb, features)));
        return tx;
    }

    private static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
