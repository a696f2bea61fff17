package io.nvmfs.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.FsException;
import io.nvmfs.core.Mode;
import io.nvmfs.core.NvmFs;
import io.nvmfs.fsck.RepairMode;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden images of on-media version 1, generated once and kept forever: each must still attach
 * through fs-core and hold exactly what its recipe put there. A format change that cannot read
 * them fails here. All but {@code xattrs} were made before the superblock feature XATTR_BLOCKS
 * (features 0, version 1 xattr pages).
 */
class GoldenImageTest {
    static final Path V1 = Path.of("golden/v1");

    private static NvmFs attach(Arena arena, String name) throws Exception {
        return NvmFs.attach(Images.inMemory(arena, Images.readGz(V1.resolve(name + ".img.gz"))), Images.options());
    }

    @Test
    void treeHoldsEveryFileTypeWithItsContents() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NvmFs fs = attach(arena, "tree");
            assertTreeContents(fs);
            fs.close();
        }
    }

    static void assertTreeContents(NvmFs fs) throws FsException {
        Map<String, String> tree = TreeWalk.walk(fs);
        assertEquals("hello, persistent world\n", TreeWalk.read(fs, "/hello.txt"));
        assertEquals("three levels down\n", TreeWalk.read(fs, "/docs/a/b/deep.txt"));
        assertEquals("0123456789abcdef".repeat(20_000), TreeWalk.read(fs, "/docs/big.bin"));
        assertEquals(fs.resolve("/docs/big.bin"), fs.resolve("/big-link.bin"));
        assertEquals(2, fs.getattr(fs.resolve("/big-link.bin")).nlink());
        assertEquals("test-images", new String(fs.getxattr(fs.resolve("/docs/big.bin"), "user.origin")));
        assertEquals("docs/a/b/deep.txt", fs.readlink(fs.resolve("/to-docs")));
        assertEquals(Mode.S_IFIFO, fs.getattr(fs.resolve("/fifo")).mode() & Mode.S_IFMT);
        assertEquals(Mode.S_IFCHR, fs.getattr(fs.resolve("/tty0")).mode() & Mode.S_IFMT);
        assertEquals(4L << 8, fs.getattr(fs.resolve("/tty0")).rdev());
        assertEquals(Mode.S_IFSOCK, fs.getattr(fs.resolve("/sock")).mode() & Mode.S_IFMT);
        assertEquals((1 << 20) + "after the hole".length(), fs.getattr(fs.resolve("/sparse")).size());
        assertTrue(TreeWalk.read(fs, "/fragmented").endsWith("page 39"));
        assertEquals(40, tree.keySet().stream().filter(p -> p.startsWith("/many/")).count());
        assertEquals("file number 39\n", TreeWalk.read(fs, "/many/file-39"));
    }

    @Test
    void emptyHasAnEmptyRoot() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NvmFs fs = attach(arena, "empty");
            assertEquals(Map.of(), TreeWalk.walk(fs));
            fs.close();
        }
    }

    @Test
    void fullHasTheTreeAndAFillerUpToEnospc() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NvmFs fs = attach(arena, "full");
            assertTreeContents(fs);
            assertTrue(fs.getattr(fs.resolve("/filler")).size() > 1 << 20);
            fs.close();
        }
    }

    @Test
    void dirtyJournalReplaysTheCommittedChanges() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NvmFs fs = attach(arena, "dirty_journal");
            assertTrue(fs.attachReport().stream().anyMatch(l -> l.startsWith("replayed ")), fs.attachReport().toString());
            assertEquals("only the journal knows this file\n", TreeWalk.read(fs, "/after-checkpoint/committed"));
            assertEquals("hello, persistent world\n", TreeWalk.read(fs, "/after-checkpoint/hello-moved.txt"));
            assertFalse(TreeWalk.walk(fs).containsKey("/hello.txt"));
            fs.close();
        }
    }

    @Test
    void orphansAreReleasedAtAttach() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            io.nvmfs.nvmpg.Media media = Images.inMemory(arena, Images.readGz(V1.resolve("orphans.img.gz")));
            NvmFs fs = NvmFs.attach(media, Images.options());
            assertFalse(TreeWalk.walk(fs).keySet().stream().anyMatch(p -> p.contains("doomed")));
            assertTreeContents(fs);
            fs.close();
            String out = FsckRunner.run(media, RepairMode.NO);
            assertEquals(0, FsckRunner.exitOf(out), "the orphans' pages were freed, nothing leaks:\n" + out);
        }
    }

    /** Written when version 2 xattr blocks came: superblock feature XATTR_BLOCKS, "XAT2" blocks of 4 and 32 pages. */
    @Test
    void xattrsHoldsLargeAttributesInVersion2Blocks() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NvmFs fs = attach(arena, "xattrs");
            long huge = fs.resolve("/huge");
            assertArrayEquals(Recipe.pattern(1, 65536), fs.getxattr(huge, "user.huge"));
            assertEquals("small", new String(fs.getxattr(huge, "user.small")));
            assertEquals(8 * (1 + 32), fs.getattr(huge).blocks(), "one data page and the 32-page block");
            long pair = fs.resolve("/pair");
            assertArrayEquals(Recipe.pattern(2, 60 << 10), fs.getxattr(pair, "user.a"));
            assertArrayEquals(Recipe.pattern(3, 60 << 10), fs.getxattr(pair, "trusted.b"));
            long many = fs.resolve("/many");
            assertEquals(600, fs.listxattr(many).size());
            assertEquals("value 599", new String(fs.getxattr(many, "user.n599")));
            fs.close();
        }
    }

    /**
     * The images older code made have features 0 and version 1 xattr pages: a read-write attach
     * sets XATTR_BLOCKS, the old pages read as they are and are replaced by version 2 blocks, and
     * fsck finds the result clean.
     */
    @Test
    void olderImagesAreUpgradedAndTakeVersion2Blocks() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            io.nvmfs.nvmpg.Media media = Images.inMemory(arena, Images.readGz(V1.resolve("tree.img.gz")));
            NvmFs fs = NvmFs.attach(media, Images.options());
            assertTrue(fs.attachReport().stream().anyMatch(l -> l.contains("upgraded the filesystem's features from 0x0 to 0x3")),
                    fs.attachReport().toString());
            long big = fs.resolve("/docs/big.bin");
            assertEquals("test-images", new String(fs.getxattr(big, "user.origin")));
            fs.setxattr(big, "user.huge", Recipe.pattern(4, 65536), 0);
            assertArrayEquals(Recipe.pattern(4, 65536), fs.getxattr(big, "user.huge"));
            fs.close();
            String out = FsckRunner.run(media, RepairMode.NO);
            assertEquals(0, FsckRunner.exitOf(out), out);
            fs = NvmFs.attach(media, Images.options());
            assertTrue(fs.attachReport().stream().noneMatch(l -> l.contains("upgraded")), fs.attachReport().toString());
            assertTreeContents(fs);
            assertEquals("a directory with an attribute", new String(fs.getxattr(fs.resolve("/docs"), "user.note")));
            fs.close();
        }
    }

    @Test
    void cleanGoldenImagesCheckCleanWithFsck() throws Exception {
        for (String name : new String[] {"empty", "tree", "full", "xattrs"}) {
            try (Arena arena = Arena.ofConfined()) {
                String out = FsckRunner.run(Images.inMemory(arena, Images.readGz(V1.resolve(name + ".img.gz"))), RepairMode.NO);
                assertEquals(0, FsckRunner.exitOf(out), name + ":\n" + out);
            }
        }
    }
}
