package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.Owners;
import io.nvmfs.core.TimeSource;
import io.nvmfs.core.XattrBlockFormat;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.Persistence;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * fsck and version 2 xattr blocks: a clean image holding blocks of many orders checks clean (the
 * whole block claimed, the page counts agree); a damaged block, or a reference with the wrong
 * order, is IN08: the attributes are dropped, the block's pages freed, and a second run is clean.
 */
class XattrBlockFsckTest {
    private static final long SIZE = 32L << 20;
    private static final Pattern PROBLEM_CODE = Pattern.compile("\\b[A-Z]{2}\\d\\d\\b");
    private static final byte[] DATA = "the file's own bytes".getBytes();

    private static byte[] value(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }

    private static NvmFs attach(Media media) throws Exception {
        return NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
    }

    /** A clean image: /big (64 KiB and a small value), /many (2000 attributes), /d (two of 60 KiB). */
    private static Media image(Arena arena) throws Exception {
        Media media = Media.ofMemory(arena.allocate(SIZE, 4096), Persistence.NONE);
        Mkfs.format(media, "x", 0, TimeSource.SYSTEM);
        NvmFs fs = attach(media);
        NvmFs.Created c = fs.create(fs.root(), "big", 0644, 2 | 0100 /* O_RDWR | O_CREAT */, Caller.ROOT);
        fs.write(c.fh(), 0, MemorySegment.ofArray(DATA), 0, DATA.length);
        fs.release(c.fh());
        long big = c.stat().ino();
        fs.setxattr(big, "user.huge", value(1, XattrBlockFormat.MAX_VALUE), 0);
        fs.setxattr(big, "user.small", value(2, 10), 0);
        NvmFs.Created m = fs.create(fs.root(), "many", 0644, 2 | 0100, Caller.ROOT);
        fs.release(m.fh());
        long many = m.stat().ino();
        for (int i = 0; i < 2000; i++) {
            fs.setxattr(many, "user.n" + i, value(i, i % 30), 0);
        }
        long d = fs.mkdir(fs.root(), "d", 0755, Caller.ROOT).ino();
        fs.setxattr(d, "user.a", value(3, 60 << 10), 0);
        fs.setxattr(d, "trusted.b", value(4, 60 << 10), 0);
        fs.close();
        return media;
    }

    private static int fsck(Media media, RepairMode mode, StringBuilder out) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
            exit = Fsck.quiet(new Fsck.Options(mode, true, false, "img"), new PrintStream(bytes, true))
                    .run(media, mode == RepairMode.NO, w);
        }
        out.append(bytes);
        return exit;
    }

    /** Byte offset of inode {@code ino}'s record (the first chunk holds inodes 0..15). */
    private static long record(Media media, long ino) throws Exception {
        NvmPages pg = NvmPages.attachReadOnly(media);
        long sb = pg.root(pg.findOwner(Owners.meta(pg.superblock().uuid())).orElseThrow()) << 12;
        return (media.segment().get(Le.LONG, FsSuperblockFormat.chunkSlot(sb, 0)) << 12) + ino * InodeFormat.SIZE;
    }

    private static long xattrField(Media media, long ino) throws Exception {
        return media.segment().get(Le.LONG, record(media, ino) + InodeFormat.OFF_XATTR_BLOCK);
    }

    private static long inodeOf(Media media, String path) throws Exception {
        NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0).withReadOnly(true));
        try {
            return fs.resolve(path);
        } finally {
            fs.close();
        }
    }

    private static long freePages(Media media) throws Exception {
        NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0).withReadOnly(true));
        try {
            return fs.statfs().blocksFree();
        } finally {
            fs.close();
        }
    }

    @Test
    void aCleanImageWithLargeXattrsIsClean() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Media media = image(arena);
            assertEquals(5, InodeFormat.physicalOrder(xattrField(media, inodeOf(media, "/big"))), "a 32-page block");
            StringBuilder out = new StringBuilder();
            assertEquals(ExitCode.CLEAN, fsck(media, RepairMode.NO, out), out.toString());
            assertFalse(PROBLEM_CODE.matcher(out).find(), "no problem reported:\n" + out);
            StringBuilder yes = new StringBuilder();
            assertEquals(ExitCode.CLEAN, fsck(media, RepairMode.YES, yes), yes.toString());
            NvmFs fs = attach(media);
            assertArrayEquals(value(1, XattrBlockFormat.MAX_VALUE), fs.getxattr(fs.resolve("/big"), "user.huge"));
            assertEquals(2000, fs.listxattr(fs.resolve("/many")).size());
            fs.close();
        }
    }

    /** Damages {@code /big}'s block with {@code damage}; fsck -fy must report IN08 with {@code detail}, free its 32 pages, and leave a clean image. */
    private static void assertRepaired(Arena arena, String detail, java.util.function.BiConsumer<MemorySegment, Long> damage)
            throws Exception {
        Media media = image(arena);
        long big = inodeOf(media, "/big");
        long free = freePages(media);
        damage.accept(media.segment(), big);
        StringBuilder out = new StringBuilder();
        assertEquals(ExitCode.CORRECTED, fsck(media, RepairMode.YES, out), out.toString());
        assertTrue(out.toString().contains("IN08"), out.toString());
        assertTrue(out.toString().contains(detail), "says " + detail + ":\n" + out);
        StringBuilder again = new StringBuilder();
        assertEquals(ExitCode.CLEAN, fsck(media, RepairMode.NO, again), "the second run finds nothing:\n" + again);
        assertEquals(0, xattrField(media, big), "the attributes are dropped");
        assertEquals(free + 32, freePages(media), "and the block's 32 pages are free again");
        NvmFs fs = attach(media);
        assertEquals(List.of(), fs.listxattr(big));
        assertEquals(8, fs.getattr(big).blocks(), "st_blocks: the one data page");
        byte[] data = new byte[DATA.length];
        long fh = fs.open(big, 0);
        fs.read(fh, 0, MemorySegment.ofArray(data), 0, data.length);
        fs.release(fh);
        assertArrayEquals(DATA, data, "the file's data is untouched");
        assertEquals(2000, fs.listxattr(fs.resolve("/many")).size(), "other inodes keep theirs");
        fs.close();
    }

    @Test
    void aDamagedValueInAVersion2BlockIsFoundAndRepaired() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            assertRepaired(arena, "checksum mismatch", (s, big) -> {
                try {
                    long at = InodeFormat.physicalPage(xattrField(Media.ofMemory(s, Persistence.NONE), big)) << 12;
                    long deep = at + XattrBlockFormat.HEADER + 40_000; // in the 64 KiB value, page 9 of the block
                    s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, deep, (byte) ~s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, deep));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void aReferenceWithTheWrongOrderIsFoundAndRepaired() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            assertRepaired(arena, "bad header", (s, big) -> {
                try {
                    Media media = Media.ofMemory(s, Persistence.NONE);
                    long rec = record(media, big);
                    long ref = s.get(Le.LONG, rec + InodeFormat.OFF_XATTR_BLOCK);
                    // Order 4 (16 pages) where the block is of order 5: its entries do not fit.
                    s.set(Le.LONG, rec + InodeFormat.OFF_XATTR_BLOCK, InodeFormat.packPhysical(InodeFormat.physicalPage(ref), 4));
                    s.set(Le.LONG, rec + InodeFormat.OFF_PAGES, s.get(Le.LONG, rec + InodeFormat.OFF_PAGES) - 16);
                    s.set(Le.INT, rec + InodeFormat.OFF_CRC, Le.crc32c(s, rec, InodeFormat.OFF_CRC));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void aVersion1MagicOnABlockOfMoreThanOnePageIsFoundAndRepaired() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            assertRepaired(arena, "version 1 page in a block of order 5", (s, big) -> {
                try {
                    long at = InodeFormat.physicalPage(xattrField(Media.ofMemory(s, Persistence.NONE), big)) << 12;
                    s.set(Le.INT, at + XattrBlockFormat.OFF_MAGIC, XattrBlockFormat.MAGIC_V1);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }
}
