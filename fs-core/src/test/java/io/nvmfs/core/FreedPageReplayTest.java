package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The freed-then-reused page: a page that journal records still in the log wrote (a directory
 * page, an inode-table page) is freed, handed to someone else and written directly; a crash
 * then replays the old records over it. Each case crashes as kill -9 does (every store
 * present, no detach) right after a durable change to the reused page.
 */
class FreedPageReplayTest {
    private static final long SIZE = 64L << 20;

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    /** Leaves a directory page with records in the live journal, then frees it. */
    private static void makeAndRemoveDirectory(TestFs t) throws FsException {
        long root = t.fs.root();
        long d = t.fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        t.fs.release(t.fs.create(d, "a", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
        t.fs.unlink(d, "a");
        t.fs.rmdir(root, "d");
    }

    @Test
    void fsyncedDataOnAReusedDirectoryPageSurvivesReplay() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, SIZE);
            makeAndRemoveDirectory(t);
            long root = t.fs.root();
            byte[] content = filled(4096, 'A');
            NvmFs.Created f = t.fs.create(root, "f", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            t.fs.write(f.fh(), 0, java.lang.foreign.MemorySegment.ofArray(content), 0, content.length);
            t.fs.fsync(f.fh(), false);
            t.crashAndAttach();
            assertArrayEquals(content, t.readFile(t.fs.lookup(t.fs.root(), "f")), "f after the crash");
            Consistency.check(t.fs);
        }
    }

    @Test
    void aNewXattrPageOnAReusedDirectoryPageSurvivesReplay() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, SIZE);
            long root = t.fs.root();
            long g = t.writeFile(root, "g", filled(10, 'g'));
            makeAndRemoveDirectory(t);
            byte[] value = filled(300, 'x');
            t.fs.setxattr(g, "user.k", value, 0);
            t.crashAndAttach();
            assertArrayEquals(value, t.fs.getxattr(t.fs.lookup(t.fs.root(), "g"), "user.k"), "xattr after the crash");
            Consistency.check(t.fs);
        }
    }

    @Test
    void aNewDirectoryOnAReusedDirectoryPageSurvivesReplay() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, SIZE);
            makeAndRemoveDirectory(t);
            long root = t.fs.root();
            long e = t.fs.mkdir(root, "e", 0755, Caller.ROOT).ino();
            t.writeFile(e, "b", filled(1, 'b'));
            t.crashAndAttach();
            long e2 = t.fs.lookup(t.fs.root(), "e");
            assertArrayEquals(filled(1, 'b'), t.readFile(t.fs.lookup(e2, "b")), "e/b after the crash");
            Consistency.check(t.fs);
        }
    }

    /**
     * The crash image that would not mount ("bad extent page header"): the first directory entry
     * sits at offset 0 of its page, so replaying its insert over a page that has become an
     * overflow extent page overwrites the extent page's magic.
     */
    @Test
    void anExtentPageOnAReusedDirectoryPageSurvivesReplay() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, SIZE);
            long root = t.fs.root();
            // Every other page written: as many extents as the inode holds inline.
            NvmFs.Created f = t.fs.create(root, "sparse", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            byte[] one = filled(1, 's');
            for (int i = 0; i < 2 * InodeFormat.INLINE_EXTENTS; i += 2) {
                t.fs.write(f.fh(), (long) i << 12, java.lang.foreign.MemorySegment.ofArray(one), 0, 1);
            }
            t.fs.fsync(f.fh(), false);
            java.util.Set<Long> freedDirPages = new java.util.HashSet<>();
            String[] dirs = {"d1", "d2", "d3"};
            for (String name : dirs) {
                long d = t.fs.mkdir(root, name, 0755, Caller.ROOT).ino();
                t.fs.release(t.fs.create(d, "a", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
                freedDirPages.add(t.fs.fs.table.read(d).extents.physical(0));
                t.fs.unlink(d, "a");
            }
            for (String name : dirs) {
                t.fs.rmdir(root, name);
            }
            // One more extent: the list overflows into an extent page, taken from the free pool.
            t.fs.write(f.fh(), (long) (2 * InodeFormat.INLINE_EXTENTS) << 12, java.lang.foreign.MemorySegment.ofArray(one), 0, 1);
            t.fs.fsync(f.fh(), false);
            long[] chain = t.fs.fs.table.read(f.stat().ino()).extentChain.pages();
            org.junit.jupiter.api.Assertions.assertEquals(1, chain.length, "one overflow extent page");
            byte[] want = t.readFile(f.stat().ino());
            t.crashAndAttach();
            assertArrayEquals(want, t.readFile(t.fs.lookup(t.fs.root(), "sparse")), "sparse file after the crash");
            Consistency.check(t.fs);
        }
    }

    @Test
    void aReleaseHeldBackForTheJournalIsGivenBackAtTheNextCheckpoint() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, SIZE);
            t.writeFile(t.fs.root(), "keep", filled(1, 'k')); // the root's own first page stays
            long before = t.fs.statfs().blocksFree();
            makeAndRemoveDirectory(t);
            org.junit.jupiter.api.Assertions.assertTrue(t.fs.fs.journal.heldReleasesCount() > 0, "the directory's page is held back");
            t.fs.flush();
            org.junit.jupiter.api.Assertions.assertEquals(before, t.fs.statfs().blocksFree(),
                    "free pages after mkdir, rmdir and the periodic flush");
        }
    }
}
