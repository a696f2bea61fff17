package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A commit rewrites only the extent pages its change touched ({@link ExtentChainWriter}): the
 * chain of a fragmented file is changed in place, page by page, and what the media holds always
 * decodes to the DRAM extent map — through punches, writes into holes, zeroed ranges, truncates,
 * a crash and a clean remount. An image made before partly full pages existed keeps full ones.
 */
class ExtentChainWriterTest {
    private static final int PAGE = 4096;
    private static final int PUNCH_HOLE = Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE;

    /** A file of {@code pages} pages, then every other page punched from the front: about pages/2 extents. */
    private static NvmFs.Created fragmented(TestFs t, String name, int pages, byte[] model) throws FsException {
        NvmFs.Created c = t.fs.create(t.fs.root(), name, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        new Random(7).nextBytes(model);
        t.fs.write(c.fh(), 0, MemorySegment.ofArray(model), 0, pages * PAGE);
        t.fs.fsync(c.fh(), false);
        for (int p = 0; p < pages; p += 2) {
            t.fs.fallocate(c.fh(), PUNCH_HOLE, (long) p * PAGE, PAGE);
            Arrays.fill(model, p * PAGE, (p + 1) * PAGE, (byte) 0);
        }
        return c;
    }

    private static byte[] chainBytes(TestFs t, ExtentChain chain) {
        byte[] all = new byte[chain.length() * PAGE];
        for (int i = 0; i < chain.length(); i++) {
            MemorySegment.copy(t.media.segment(), ValueLayout.JAVA_BYTE, chain.page(i) << 12, all, i * PAGE, PAGE);
        }
        return all;
    }

    @Test
    void aPunchInTheMiddleOfALongChainRewritesOnePageInPlace() throws Exception {
        try (TestFs t = TestFs.ofSize(256L << 20)) {
            int pages = 12_800;
            byte[] model = new byte[pages * PAGE];
            NvmFs.Created c = fragmented(t, "f", pages, model);
            long ino = c.stat().ino();
            ExtentChain before = t.fs.fs.table.read(ino).extentChain;
            assertTrue(before.length() >= 25, "a long chain: " + before.length() + " pages");
            byte[] beforeBytes = chainBytes(t, before);
            // A punch of one page inside a run that is still whole (odd pages stayed, in blocks of one page).
            long page = 6_401; // odd: still data
            t.fs.fallocate(c.fh(), PUNCH_HOLE, page * PAGE, PAGE);
            ExtentChain after = t.fs.fs.table.read(ino).extentChain;
            assertArrayEquals(before.pages(), after.pages(), "the same pages, changed in place");
            byte[] afterBytes = chainBytes(t, after);
            int changed = 0;
            for (int i = 0; i < before.length(); i++) {
                if (!Arrays.equals(beforeBytes, i * PAGE, (i + 1) * PAGE, afterBytes, i * PAGE, (i + 1) * PAGE)) {
                    changed++;
                }
            }
            assertEquals(1, changed, "chain pages whose bytes changed");
            Arrays.fill(model, (int) page * PAGE, (int) (page + 1) * PAGE, (byte) 0);
            t.fs.release(c.fh());
            t.crashAndAttach();
            assertArrayEquals(model, t.readFile(ino), "content after a crash");
            Consistency.check(t.fs);
        }
    }

    @Test
    void punchingAwayWholeChainPagesUnlinksThemAndKeepsTheOthers() throws Exception {
        try (TestFs t = TestFs.ofSize(256L << 20)) {
            int pages = 12_800;
            byte[] model = new byte[pages * PAGE];
            NvmFs.Created c = fragmented(t, "f", pages, model);
            long ino = c.stat().ino();
            t.fs.flush();
            long free = t.fs.statfs().blocksFree();
            ExtentChain before = t.fs.fs.table.read(ino).extentChain;
            // Pages 4..7 of the chain hold the extents of logical pages [first(4), first(8)): all gone.
            long from = before.firstKeys()[4];
            long to = before.firstKeys()[8];
            t.fs.fallocate(c.fh(), PUNCH_HOLE, from * PAGE, (to - from) * PAGE);
            Arrays.fill(model, (int) from * PAGE, (int) to * PAGE, (byte) 0);
            ExtentChain middle = t.fs.fs.table.read(ino).extentChain;
            assertEquals(before.length() - 4, middle.length(), "four chain pages fewer");
            assertArrayEquals(Arrays.copyOf(before.pages(), 3), Arrays.copyOf(middle.pages(), 3), "the pages before, kept");
            assertArrayEquals(Arrays.copyOfRange(before.pages(), 8, before.length()),
                    Arrays.copyOfRange(middle.pages(), 4, middle.length()), "the pages after, kept");
            // The first page's extents all go: the next page's place in the chain is taken by the first.
            long end = middle.firstKeys()[1];
            t.fs.fallocate(c.fh(), PUNCH_HOLE, 0, end * PAGE);
            Arrays.fill(model, 0, (int) end * PAGE, (byte) 0);
            ExtentChain head = t.fs.fs.table.read(ino).extentChain;
            assertEquals(middle.length() - 1, head.length(), "one chain page fewer");
            assertEquals(middle.page(0), head.page(0), "the inode's head page stays");
            t.fs.flush(); // held-back releases come back at the checkpoint
            long dataFreed = (to - from) / 2 + end / 2;
            assertEquals(free + dataFreed + 5, t.fs.statfs().blocksFree(), "data pages and five chain pages back");
            t.fs.release(c.fh());
            t.crashAndAttach();
            assertArrayEquals(model, t.readFile(ino), "content after a crash");
            Consistency.check(t.fs);
        }
    }

    @Test
    void generatedChangesKeepTheMediaChainEqualToTheExtentMap() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            runWorkload(seed, true);
        }
    }

    @Test
    void anOlderImageIsUpgradedAtAttachAndItsChainsThenChangeInPlace() throws Exception {
        runWorkload(11, false);
    }

    private static void runWorkload(long seed, boolean madeByThisCode) throws Exception {
        Random r = new Random(seed);
        try (TestFs t = TestFs.ofSize(128L << 20)) {
            if (!madeByThisCode) {
                clearFeatures(t);
            }
            int pages = 4_000;
            byte[] model = new byte[pages * PAGE];
            NvmFs.Created c = fragmented(t, "f", pages, model);
            long ino = c.stat().ino();
            int size = pages * PAGE;
            for (int op = 0; op < 400; op++) {
                int kind = r.nextInt(10);
                int off = r.nextInt(size + 1);
                int len = 1 + r.nextInt(switch (r.nextInt(4)) {
                    case 0, 1 -> 2 * PAGE;
                    case 2 -> 96 * PAGE;
                    default -> 2048 * PAGE; // wipes whole chain pages out
                });
                len = Math.min(len, Math.max(1, size - off));
                String what = "seed " + seed + " op " + op + " kind " + kind + " off " + off + " len " + len;
                if (kind < 5 && off < size) {
                    t.fs.fallocate(c.fh(), PUNCH_HOLE, off, len);
                    Arrays.fill(model, off, off + len, (byte) 0);
                } else if (kind < 8 && off < size) {
                    byte[] data = new byte[len];
                    r.nextBytes(data);
                    t.fs.write(c.fh(), off, MemorySegment.ofArray(data), 0, len);
                    System.arraycopy(data, 0, model, off, len);
                    t.fs.fsync(c.fh(), false);
                } else if (kind == 8 && off < size) {
                    t.fs.fallocate(c.fh(), Fallocate.ZERO_RANGE | Fallocate.KEEP_SIZE, off, len);
                    Arrays.fill(model, off, off + len, (byte) 0);
                } else {
                    int newSize = size - r.nextInt(Math.max(1, size / 20));
                    t.fs.truncate(ino, newSize);
                    Arrays.fill(model, newSize, size, (byte) 0);
                    size = newSize;
                }
                assertMediaMatchesDram(t, ino, what);
            }
            t.fs.release(c.fh());
            byte[] want = Arrays.copyOf(model, size);
            assertArrayEquals(want, t.readFile(ino), "seed " + seed + ": content");
            t.crashAndAttach();
            assertArrayEquals(want, t.readFile(ino), "seed " + seed + ": content after a crash");
            Consistency.check(t.fs);
            t.remount();
            assertArrayEquals(want, t.readFile(ino), "seed " + seed + ": content after a remount");
            Consistency.check(t.fs);
        }
    }

    private static void assertMediaMatchesDram(TestFs t, long ino, String what) throws Exception {
        Inode dram = t.fs.fs.inode(ino);
        Inode media = t.fs.fs.table.read(ino);
        assertEquals(dram.extents.count(), media.extents.count(), what + ": extent count");
        for (int i = 0; i < dram.extents.count(); i++) {
            if (dram.extents.logical(i) != media.extents.logical(i) || dram.extents.physical(i) != media.extents.physical(i)
                    || dram.extents.order(i) != media.extents.order(i)) {
                throw new AssertionError(what + ": extent " + i + " differs");
            }
        }
        assertArrayEquals(dram.extentChain.pages(), media.extentChain.pages(), what + ": chain pages");
        assertArrayEquals(dram.extentChain.counts(), media.extentChain.counts(), what + ": extents per page");
        assertArrayEquals(dram.extentChain.firstKeys(), media.extentChain.firstKeys(), what + ": first keys");
    }

    /**
     * Makes the image look as an older mkfs left it (no feature bits, the superblock CRC redone),
     * then attaches it read-write: the attach must give it every feature before anything is
     * written, so the workload's chains change in place as on a new image.
     */
    private static void clearFeatures(TestFs t) throws FsException {
        t.fs.close();
        MemorySegment s = t.media.segment();
        long sb = t.fs.fs.superblock;
        s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, 0);
        s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(s, sb, FsSuperblockFormat.OFF_CRC));
        t.crashAndAttach(); // attach again (the close above was clean)
        assertEquals(FsSuperblockFormat.KNOWN_FEATURES, s.get(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES), "upgraded");
        assertEquals(true, FsSuperblockFormat.sparseExtentChains(s, sb));
    }
}
