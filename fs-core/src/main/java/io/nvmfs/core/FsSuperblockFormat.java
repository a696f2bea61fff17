package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * The filesystem superblock, version 1: one page owned by the metadata owner, whose nvmpg root
 * slot holds its page number.
 *
 * <pre>
 * off  size  field
 *   0     8  magic          "NVMFS-SB"
 *   8     4  version        1
 *  12     4  features       bit 0 XATTR_BLOCKS: version 2 xattr blocks may be linked;
 *                           bit 1 SPARSE_EXTENT_CHAINS: extent pages may be partly full and
 *                           change in place through the journal. Set by mkfs, and by the
 *                           first read-write attach of an older image; attach refuses
 *                           unknown bits, so older code refuses an image that has one
 *  16    16  uuid           filesystem UUID (= the namespace's)
 *  32     8  journal_page   first page of the journal block (journal owner)
 *  40     4  journal_order  order of the journal block
 *  44     4  reserved       0
 *  48     8  root_ino       1
 *  56     4  crc32c         CRC32C of bytes 0..55 (the part above never changes after mkfs,
 *                           but for features: see below)
 *  60     4  reserved       0
 *  64     8  clean          1 = cleanly detached; 0 = attached or crashed (one aligned store)
 *  72     8  errors         corruption events recorded while attached (or by an attach that
 *                           refused the image); 0 = none. One aligned store; fsck clears it.
 *  80     8  last_mount     time of the last read-write attach, ms since the epoch; 0 =
 *                           none recorded (never mounted, or older code). One aligned store.
 *  88     8  mount_count    read-write attaches since mkfs (0 on images older code mounted:
 *                           it counted none). One aligned store.
 *  96    32  reserved       0
 * 128  3968  chunk[496]     page number of inode-table chunk k (0 = not allocated); journaled
 * </pre>
 *
 * Chunk k is one nvmpg block of the metadata owner holding {@code 16 << min(k, 8)} inode
 * records of 256 bytes: small filesystems keep a small table, and 496 chunks hold 2,002,928 inode numbers.
 *
 * <p>Features are added to an existing image only by one journaled transaction that writes the
 * features word and the CRC ({@link FeatureUpgrade}). Until the checkpoint after it, the home
 * superblock may hold one of those two writes without the other; {@link #problemBeforeReplay}
 * accepts exactly such a pair — an upgrade moves the word from a known subset to all of
 * {@link #KNOWN_FEATURES}, so either the word is the old one and the CRC is that of all known
 * features, or the word holds all of them and the CRC is that of a subset — since the record
 * that completes it is still in the live log and replay applies it. Everything else checks with
 * {@link #problem}.
 */
public final class FsSuperblockFormat {
    public static final long MAGIC = 0x42532d53464d564eL; // "NVMFS-SB"
    public static final int VERSION = 1;
    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 8;
    public static final int OFF_FEATURES = 12;
    /** Feature bit 0: the inodes' xattr fields may name version 2 xattr blocks (FORMAT.md, "Extended attributes"). */
    public static final int FEATURE_XATTR_BLOCKS = 1;
    /** Feature bit 1: extent pages anywhere in a chain may hold 1..254 extents (older code read only full ones). */
    public static final int FEATURE_SPARSE_EXTENT_CHAINS = 1 << 1;
    /** Every feature this code knows and writes: mkfs sets them all, attach refuses any other bit. */
    public static final int KNOWN_FEATURES = FEATURE_XATTR_BLOCKS | FEATURE_SPARSE_EXTENT_CHAINS;
    public static final int OFF_UUID = 16;
    public static final int OFF_JOURNAL_PAGE = 32;
    public static final int OFF_JOURNAL_ORDER = 40;
    public static final int OFF_ROOT_INO = 48;
    public static final int OFF_CRC = 56;
    public static final int OFF_CLEAN = 64;
    public static final int OFF_ERRORS = 72;
    public static final int OFF_LAST_MOUNT = 80;
    public static final int OFF_MOUNT_COUNT = 88;
    public static final int OFF_CHUNKS = 128;
    public static final int MAX_CHUNKS = (4096 - OFF_CHUNKS) / 8;

    private FsSuperblockFormat() {}

    public static void write(MemorySegment s, long at, UUID uuid, long journalPage, int journalOrder) {
        s.asSlice(at, 4096).fill((byte) 0);
        s.set(Le.LONG, at + OFF_MAGIC, MAGIC);
        s.set(Le.INT, at + OFF_VERSION, VERSION);
        s.set(Le.INT, at + OFF_FEATURES, KNOWN_FEATURES);
        s.set(Le.LONG, at + OFF_UUID, uuid.getMostSignificantBits());
        s.set(Le.LONG, at + OFF_UUID + 8, uuid.getLeastSignificantBits());
        s.set(Le.LONG, at + OFF_JOURNAL_PAGE, journalPage);
        s.set(Le.INT, at + OFF_JOURNAL_ORDER, journalOrder);
        s.set(Le.LONG, at + OFF_ROOT_INO, InodeTable.ROOT);
        s.set(Le.INT, at + OFF_CRC, Le.crc32c(s, at, OFF_CRC));
    }

    /**
     * Records a read-write attach of the superblock at {@code at}: {@code last_mount} = now, then
     * {@code mount_count} + 1, each one aligned 8-byte store and its persist, as {@code clean} and
     * {@code errors}. Neither is under the CRC (bytes 0..55) nor read by attach or fsck, so a crash
     * between or within them leaves a valid superblock with at worst the old time or count: both
     * are information for people ({@code nvmfs info}), never a decision.
     */
    public static void recordMount(Media media, long at, long nowMillis) {
        media.segment().set(Le.LONG, at + OFF_LAST_MOUNT, nowMillis);
        media.persist(at + OFF_LAST_MOUNT, 8);
        media.segment().set(Le.LONG, at + OFF_MOUNT_COUNT, media.segment().get(Le.LONG, at + OFF_MOUNT_COUNT) + 1);
        media.persist(at + OFF_MOUNT_COUNT, 8);
    }

    /** Null if the superblock at {@code at} is valid, else what is wrong. */
    public static String problem(MemorySegment s, long at) {
        return problem(s, at, false);
    }

    /**
     * As {@link #problem}, but a superblock torn between the two writes of a feature upgrade is
     * valid (see the class comment): for what reads the superblock before journal replay (attach,
     * fsck's first passes, {@code nvmfs info}). After replay such a superblock is whole again.
     */
    public static String problemBeforeReplay(MemorySegment s, long at) {
        return problem(s, at, true);
    }

    private static String problem(MemorySegment s, long at, boolean tornUpgradeOk) {
        if (s.get(Le.LONG, at + OFF_MAGIC) != MAGIC) {
            return "bad magic (not an nvmfs filesystem)";
        }
        int features = s.get(Le.INT, at + OFF_FEATURES);
        int crc = s.get(Le.INT, at + OFF_CRC);
        if (crc != Le.crc32c(s, at, OFF_CRC) && !(tornUpgradeOk && tornUpgrade(s, at, features, crc))) {
            return "checksum mismatch";
        }
        if (s.get(Le.INT, at + OFF_VERSION) != VERSION) {
            return "unsupported version " + s.get(Le.INT, at + OFF_VERSION);
        }
        if ((features & ~KNOWN_FEATURES) != 0) {
            return "unknown features 0x" + Integer.toHexString(features & ~KNOWN_FEATURES)
                    + " (made or mounted by a newer nvmfs)";
        }
        int order = s.get(Le.INT, at + OFF_JOURNAL_ORDER);
        if (order < 1 || order > 20) {
            return "journal order " + order + " out of range";
        }
        return null;
    }

    /** Whether {@code features} and {@code crc} are the two halves of an upgrade to {@link #KNOWN_FEATURES} (class comment). */
    private static boolean tornUpgrade(MemorySegment s, long at, int features, int crc) {
        if ((features & ~KNOWN_FEATURES) != 0) {
            return false;
        }
        if (features != KNOWN_FEATURES) {
            return crc == crcWithFeatures(s, at, KNOWN_FEATURES);
        }
        for (int old = 0; old < KNOWN_FEATURES; old++) {
            if ((old & ~KNOWN_FEATURES) == 0 && crc == crcWithFeatures(s, at, old)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the superblock at {@code at} allows partly full extent pages (feature {@link #FEATURE_SPARSE_EXTENT_CHAINS}). */
    public static boolean sparseExtentChains(MemorySegment s, long at) {
        return (s.get(Le.INT, at + OFF_FEATURES) & FEATURE_SPARSE_EXTENT_CHAINS) != 0;
    }

    /** The CRC bytes 0..55 of the superblock at {@code at} would have with {@code features} in place of theirs. */
    public static int crcWithFeatures(MemorySegment s, long at, int features) {
        byte[] b = s.asSlice(at, OFF_CRC).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        MemorySegment.ofArray(b).set(Le.INT, OFF_FEATURES, features);
        return Le.crc32c(b, 0, OFF_CRC);
    }

    public static long chunkSlot(long sbOffset, int chunk) {
        return sbOffset + OFF_CHUNKS + 8L * chunk;
    }
}
