package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Images of older code with version 1 xattr pages (and features 0): the pages are read as they
 * are, by a read-only attach too, and replaced by version 2 blocks (freed as the one page they
 * are) as attributes change after the read-write attach has set the feature
 * ({@link FeatureUpgradeTest}).
 */
class XattrVersion1ImageTest {
    private static final byte[] ALPHA = "alpha".getBytes();
    private static final byte[] LONG = CrashOps.pattern(9, 3000);

    private long f;
    private long d;

    /** A filesystem with version 1 pages on {@code f} (two attributes) and {@code d} (one), features 0. */
    private TestFs olderImage() throws Exception {
        TestFs t = TestFs.ofSize(32L << 20);
        f = t.writeFile(t.fs.root(), "f", CrashOps.pattern(1, 5000));
        d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
        t.fs.setxattr(f, "user.a", ALPHA, 0);
        t.fs.setxattr(f, "trusted.b", LONG, 0);
        t.fs.setxattr(d, "user.note", ALPHA, 0);
        t.fs.close();
        OlderImages.toVersion1(t, f, d);
        return t;
    }

    private static int features(TestFs t, long sb) {
        return t.media.segment().get(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES);
    }

    private static int magicOf(TestFs t, long ino) throws Exception {
        return t.media.segment().get(Le.INT, t.fs.fs.table.read(ino).xattrPage() << 12);
    }

    @Test
    void aReadOnlyAttachReadsVersion1PagesAndWritesNothing() throws Exception {
        try (TestFs t = olderImage()) {
            byte[] before = t.media.segment().toArray(ValueLayout.JAVA_BYTE);
            t.fs = NvmFs.attach(t.media, t.options().withReadOnly(true));
            assertArrayEquals(ALPHA, t.fs.getxattr(f, "user.a"));
            assertArrayEquals(LONG, t.fs.getxattr(f, "trusted.b"));
            assertEquals(List.of("user.a", "trusted.b"), t.fs.listxattr(f));
            assertArrayEquals(ALPHA, t.fs.getxattr(d, "user.note"));
            assertEquals(Errno.EROFS, assertThrows(FsException.class, () -> t.fs.setxattr(f, "user.c", ALPHA, 0)).errno());
            t.fs.close();
            assertArrayEquals(before, t.media.segment().toArray(ValueLayout.JAVA_BYTE), "no byte written, the feature not set");
        }
    }

    @Test
    void afterTheUpgradeVersion2BlocksReplaceTheOldPages() throws Exception {
        try (TestFs t = olderImage()) {
            t.fs = NvmFs.attach(t.media, t.options());
            assertEquals(FsSuperblockFormat.KNOWN_FEATURES, features(t, t.fs.fs.superblock));
            assertEquals(XattrBlockFormat.MAGIC_V1, magicOf(t, f), "the old pages are read as they are");
            assertArrayEquals(LONG, t.fs.getxattr(f, "trusted.b"));
            long oldPage = t.fs.fs.table.read(f).xattrPage();

            t.fs.setxattr(f, "user.big", CrashOps.pattern(2, 20_000), 0);
            assertEquals(XattrBlockFormat.MAGIC_V2, magicOf(t, f));
            assertTrue(t.fs.fs.table.read(f).xattrPage() != oldPage);
            assertEquals(List.of("user.a", "trusted.b", "user.big"), t.fs.listxattr(f));
            assertArrayEquals(ALPHA, t.fs.getxattr(f, "user.a"));
            Consistency.check(t.fs); // the version 1 page was freed: every recorded page is referenced

            t.remount();
            assertArrayEquals(CrashOps.pattern(2, 20_000), t.fs.getxattr(f, "user.big"));
            assertEquals(XattrBlockFormat.MAGIC_V1, magicOf(t, d), "untouched attributes keep their version 1 page");
            assertArrayEquals(ALPHA, t.fs.getxattr(d, "user.note"));
            t.fs.removexattr(d, "user.note");
            assertEquals(List.of(), t.fs.listxattr(d));
            Consistency.check(t.fs);
        }
    }

    @Test
    void theUpgradeIsInPlaceBeforeACrashRightAfterTheAttach() throws Exception {
        try (TestFs t = olderImage()) {
            t.fs = NvmFs.attach(t.media, t.options());
            t.crashAndAttach();
            assertEquals(FsSuperblockFormat.KNOWN_FEATURES, features(t, t.fs.fs.superblock));
            assertArrayEquals(LONG, t.fs.getxattr(f, "trusted.b"));
            Consistency.check(t.fs);
        }
    }

}
