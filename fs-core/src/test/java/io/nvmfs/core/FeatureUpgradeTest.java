package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The superblock's feature bits (FORMAT.md, "Feature upgrade"): mkfs sets XATTR_BLOCKS; the first
 * read-write attach of an image without it (made by older code) sets it through the journal and
 * checkpoints, a read-only attach writes nothing, and a bit this code does not know refuses the
 * image. The upgrade's two home writes may be torn apart by a crash; only that pair passes the
 * check made before replay.
 */
class FeatureUpgradeTest {
    private static int features(TestFs t, long sb) {
        return t.media.segment().get(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES);
    }

    /** A filesystem with a directory in it, detached, its features cleared as older code's mkfs left them. */
    private static TestFs olderImage() throws Exception {
        TestFs t = TestFs.ofSize(8L << 20);
        t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT);
        long sb = t.fs.fs.superblock;
        t.fs.close();
        OlderImages.clearFeatures(t.media.segment(), sb);
        return t;
    }

    @Test
    void mkfsSetsTheFeature() throws Exception {
        try (TestFs t = TestFs.ofSize(8L << 20)) {
            assertEquals(FsSuperblockFormat.KNOWN_FEATURES, features(t, t.fs.fs.superblock));
        }
    }

    @Test
    void aReadOnlyAttachOfAnOlderImageWritesNothing() throws Exception {
        try (TestFs t = olderImage()) {
            byte[] before = t.media.segment().toArray(ValueLayout.JAVA_BYTE);
            t.fs = NvmFs.attach(t.media, t.options().withReadOnly(true));
            t.fs.resolve("/d");
            t.fs.close();
            assertArrayEquals(before, t.media.segment().toArray(ValueLayout.JAVA_BYTE), "no byte written, the feature not set");
        }
    }

    @Test
    void aReadWriteAttachOfAnOlderImageSetsTheFeatureThroughTheJournal() throws Exception {
        try (TestFs t = olderImage()) {
            t.fs = NvmFs.attach(t.media, t.options());
            long sb = t.fs.fs.superblock;
            assertEquals(FsSuperblockFormat.KNOWN_FEATURES, features(t, sb));
            assertNull(FsSuperblockFormat.problem(t.media.segment(), sb), "the CRC covers the new features word");
            assertTrue(t.fs.attachReport().stream().anyMatch(l -> l.contains("upgraded the filesystem's features from 0x0 to 0x3")),
                    t.fs.attachReport().toString());
            assertEquals(0, t.fs.journalStats().usedBytes(), "checkpointed: the home superblock holds the bit");
            t.fs.resolve("/d");
            t.remount();
            assertTrue(t.fs.attachReport().stream().noneMatch(l -> l.contains("upgraded")), "once is enough");
            assertEquals(FsSuperblockFormat.KNOWN_FEATURES, features(t, sb));
        }
    }

    @Test
    void aFeatureBitThisCodeDoesNotKnowRefusesTheImage() throws Exception {
        try (TestFs t = TestFs.ofSize(8L << 20)) {
            long sb = t.fs.fs.superblock;
            t.fs.close();
            var s = t.media.segment();
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, FsSuperblockFormat.KNOWN_FEATURES | 4);
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(s, sb, FsSuperblockFormat.OFF_CRC));
            FsException e = assertThrows(FsException.class, () -> NvmFs.attach(t.media, t.options()));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("unknown features 0x4"), e.getMessage());
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, FsSuperblockFormat.KNOWN_FEATURES);
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(s, sb, FsSuperblockFormat.OFF_CRC));
            t.fs = NvmFs.attach(t.media, t.options());
        }
    }

    /**
     * Between the upgrade's commit and its checkpoint the home superblock may hold either of its
     * two writes alone; that pair, and only it, passes the check made before replay.
     */
    @Test
    void aSuperblockTornBetweenTheUpgradesTwoWritesPassesOnlyThePreReplayCheck() throws Exception {
        try (TestFs t = TestFs.ofSize(8L << 20)) {
            long sb = t.fs.fs.superblock;
            t.fs.close();
            var s = t.media.segment();
            int upgradedCrc = s.get(Le.INT, sb + FsSuperblockFormat.OFF_CRC);
            OlderImages.clearFeatures(s, sb);
            int olderCrc = s.get(Le.INT, sb + FsSuperblockFormat.OFF_CRC);

            s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, FsSuperblockFormat.KNOWN_FEATURES); // features, not the CRC
            assertEquals("checksum mismatch", FsSuperblockFormat.problem(s, sb));
            assertNull(FsSuperblockFormat.problemBeforeReplay(s, sb));

            s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, 0); // the CRC, not features
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, upgradedCrc);
            assertEquals("checksum mismatch", FsSuperblockFormat.problem(s, sb));
            assertNull(FsSuperblockFormat.problemBeforeReplay(s, sb));

            s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, 8); // any other change is damage
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, olderCrc);
            assertEquals("checksum mismatch", FsSuperblockFormat.problemBeforeReplay(s, sb));

            s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, 0);
            s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, upgradedCrc);
            FsException e = assertThrows(FsException.class, () -> NvmFs.attach(t.media, t.options()),
                    "torn, but no journal record completes it");
            assertTrue(e.getMessage().contains("checksum mismatch after journal replay"), e.getMessage());
        }
    }
}
