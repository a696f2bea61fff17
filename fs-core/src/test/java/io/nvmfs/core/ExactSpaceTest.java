package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Space is exact once a file is closed: the blocks the growth policy gave an appended file past
 * its EOF go back at the last close (a 100 MiB file held 128 MiB, 65 MiB held 128, 33 held 64,
 * 5 held 8), and fallocate takes exactly the pages asked for (100 MiB took 128). Bound: a closed
 * file holds at most its size in pages plus its overflow extent pages and one xattr page;
 * KEEP_SIZE reservations past EOF are kept, as on ext4.
 */
class ExactSpaceTest {
    private static final int MIB = 1 << 20;

    private static long writeAppending(TestFs t, String name, long bytes, int chunk) throws FsException {
        NvmFs.Created c = t.fs.create(t.fs.root(), name, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        MemorySegment buf = t.arena.allocate(chunk);
        for (long off = 0; off < bytes; off += chunk) {
            int n = (int) Math.min(chunk, bytes - off);
            assertEquals(n, t.fs.write(c.fh(), off, buf, 0, n));
        }
        t.fs.release(c.fh());
        return c.stat().ino();
    }

    private static long overheadPages(TestFs t, long ino) throws Exception {
        Inode n = t.fs.fs.table.read(ino);
        return n.extentChain.length() + n.xattrPages();
    }

    private static void assertExact(TestFs t, long ino, long bytes, String what) throws Exception {
        long pages = t.fs.getattr(ino).blocks() / 8;
        assertEquals(FileData.pagesOf(bytes) + overheadPages(t, ino), pages, what + ": pages held");
    }

    @Test
    void appendedFilesHoldTheirSizeOnceClosedAndAfterRemount() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 512L << 20);
            long[] sizes = {100L * MIB, 65L * MIB, 33L * MIB, 5L * MIB, 5L * MIB + 123, 4097, 1};
            long[] inos = new long[sizes.length];
            for (int i = 0; i < sizes.length; i++) { // the names first: their directory page is not the files'
                t.fs.release(t.fs.create(t.fs.root(), "f" + i, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
            }
            long before = t.fs.statfs().blocksFree();
            int recordPagesBefore = t.fs.fs.pg.stats().recordPages();
            long total = 0;
            for (int i = 0; i < sizes.length; i++) {
                inos[i] = writeAppending(t, "f" + i, sizes[i], i % 2 == 0 ? MIB : 4096 * 3 + 17);
                assertExact(t, inos[i], sizes[i], sizes[i] + " bytes after close");
                total += FileData.pagesOf(sizes[i]) + overheadPages(t, inos[i]);
            }
            t.fs.flush(); // held-back releases come back at the checkpoint
            long allocatorPages = t.fs.fs.pg.stats().recordPages() - recordPagesBefore; // nvmpg's own record pages
            assertEquals(before - total - allocatorPages, t.fs.statfs().blocksFree(), "df counts exactly the pages held");
            t.remount();
            for (int i = 0; i < sizes.length; i++) {
                assertExact(t, inos[i], sizes[i], sizes[i] + " bytes after remount");
            }
            Consistency.check(t.fs);
        }
    }

    @Test
    void fallocateTakesExactlyThePagesAskedForAndKeepSizeReservationsSurviveClose() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 512L << 20);
            NvmFs.Created c = t.fs.create(t.fs.root(), "fa", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            t.fs.fallocate(c.fh(), 0, 0, 100L * MIB);
            assertExact(t, c.stat().ino(), 100L * MIB, "fallocate -l 100M");
            t.fs.release(c.fh());
            NvmFs.Created k = t.fs.create(t.fs.root(), "keep", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            t.fs.write(k.fh(), 0, MemorySegment.ofArray(new byte[5000]), 0, 5000);
            t.fs.fallocate(k.fh(), Fallocate.KEEP_SIZE, 0, 3L * MIB + 4096);
            t.fs.release(k.fh());
            assertEquals(FileData.pagesOf(3L * MIB + 4096) + overheadPages(t, k.stat().ino()),
                    t.fs.getattr(k.stat().ino()).blocks() / 8, "a KEEP_SIZE reservation past EOF is kept at close");
            t.remount();
            long fh = t.fs.open(t.fs.lookup(t.fs.root(), "keep"), Handle.O_RDWR);
            t.fs.write(fh, 5000, MemorySegment.ofArray(new byte[100]), 0, 100);
            t.fs.release(fh);
            assertEquals(FileData.pagesOf(3L * MIB + 4096) + overheadPages(t, k.stat().ino()),
                    t.fs.getattr(k.stat().ino()).blocks() / 8, "and after a remount and another close");
            t.fs.truncate(k.stat().ino(), 4096);
            assertEquals(1, t.fs.getattr(k.stat().ino()).blocks() / 8, "truncate drops it");
            Consistency.check(t.fs);
        }
    }

    @Test
    void anOpenFileKeepsItsBoundedPreallocationUntilTheLastClose() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 256L << 20);
            NvmFs.Created c = t.fs.create(t.fs.root(), "open", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            long other = t.fs.open(c.stat().ino(), Handle.O_RDWR);
            MemorySegment buf = arena.allocate(MIB);
            for (long off = 0; off < 33L * MIB; off += MIB) {
                t.fs.write(c.fh(), off, buf, 0, MIB);
            }
            t.fs.release(c.fh());
            long held = t.fs.getattr(c.stat().ino()).blocks() / 8;
            assertTrue(held >= FileData.pagesOf(33L * MIB), "the file holds its data");
            assertTrue(held <= 2 * FileData.pagesOf(33L * MIB), "the preallocation is at most the size again: " + held);
            t.fs.release(other);
            assertExact(t, c.stat().ino(), 33L * MIB, "after the last close");
        }
    }

    /**
     * Growth follows the extent a write continues, not the file's logical size: a byte next to a
     * byte at 4 GiB took a 1 GiB block while the file was open (a quarter of a 2 GiB namespace,
     * kept until close; fstests generic/059).
     */
    @Test
    void aWriteNextToAPageFarIntoASparseFileGrowsFromThatPage() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 256L << 20);
            long before = t.fs.statfs().blocksFree();
            NvmFs.Created c = t.fs.create(t.fs.root(), "sparse", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            MemorySegment one = MemorySegment.ofArray(new byte[] {0x41});
            assertEquals(1, t.fs.write(c.fh(), (4L << 30) - 1, one, 0, 1));
            assertEquals(1, t.fs.write(c.fh(), 4L << 30, one, 0, 1));
            assertEquals(1, t.fs.write(c.fh(), (5L << 30) + 123, one, 0, 1));
            long taken = before - t.fs.statfs().blocksFree();
            assertTrue(taken <= 8, "pages taken while open by three 1-byte writes around 4 GiB: " + taken);
            t.fs.release(c.fh());
            assertEquals((5L << 30) + 124, t.fs.getattr(c.stat().ino()).size());
            assertTrue(t.fs.getattr(c.stat().ino()).blocks() / 8 <= 4, "pages held after close");
        }
    }
}
