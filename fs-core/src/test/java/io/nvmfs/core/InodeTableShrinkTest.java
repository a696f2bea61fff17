package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * The inode table gives its wholly free last chunks back: after every file made since mkfs is
 * removed, statfs counts the same free pages as the fresh filesystem (it stayed 3 pages short on
 * 64 MiB after 63 files, 42 MB short on 8 GiB after a kernel tree), and a chunk is not given
 * back while the one before it is more than half full (no allocate/free at a chunk boundary).
 */
class InodeTableShrinkTest {
    private static void create(TestFs t, long dir, int from, int to) throws FsException {
        for (int i = from; i < to; i++) {
            t.fs.release(t.fs.create(dir, "f" + i, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
        }
    }

    private static void unlink(TestFs t, long dir, int from, int to) throws FsException {
        for (int i = from; i < to; i++) {
            t.fs.unlink(dir, "f" + i);
        }
    }

    @Test
    void removingEveryFileGivesEveryPageBack() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 64L << 20);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            t.fs.flush();
            long fresh = t.fs.statfs().blocksFree(); // with the root's first directory page, which it keeps (as ext4)
            assertEquals(1, t.fs.fs.table.chunks());
            create(t, d, 0, 5000);
            int grown = t.fs.fs.table.chunks();
            assertTrue(grown >= 9, "5,000 inodes need chunks 0..8 and more, have " + grown);
            unlink(t, d, 0, 5000);
            t.fs.rmdir(t.fs.root(), "d");
            // no flush: statfs itself lets the pages held back under live journal records go
            assertEquals(1, t.fs.fs.table.chunks(), "only the root's chunk is left");
            t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT);
            assertEquals(fresh, t.fs.statfs().blocksFree(), "free pages as after mkfs and one mkdir");
            t.fs.rmdir(t.fs.root(), "d");
            Consistency.check(t.fs);
            t.remount();
            assertEquals(1, t.fs.fs.table.chunks());
            long again = t.fs.mkdir(t.fs.root(), "again", 0755, Caller.ROOT).ino();
            create(t, again, 0, 300); // the table grows again over the pages it gave back
            Consistency.check(t.fs);
            t.remount();
            assertEquals(300, t.fs.readdir(again, 0, 1000).size() - 2);
        }
    }

    @Test
    void aChunkStaysWhileTheOneBeforeItIsMoreThanHalfFull() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 64L << 20);
            long root = t.fs.root();
            // inodes 1 (root) .. 47 fill chunks 0 and 1; the 48th file is the first of chunk 2
            create(t, root, 0, 46);
            assertEquals(2, t.fs.fs.table.chunks());
            for (int round = 0; round < 20; round++) {
                create(t, root, 46, 47);
                assertEquals(3, t.fs.fs.table.chunks());
                unlink(t, root, 46, 47);
                assertEquals(3, t.fs.fs.table.chunks(), "chunk 2 kept: chunk 1 is full");
            }
            unlink(t, root, 14, 30); // f14.. are inodes 16..: chunk 1 (16..47) is now half free
            assertEquals(2, t.fs.fs.table.chunks(), "chunk 2 given back once chunk 1 is half free");
            Consistency.check(t.fs);
        }
    }

    @Test
    void orphansFreedAtAttachEmptyTheirChunks() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 64L << 20);
            long root = t.fs.root();
            t.fs.release(t.fs.create(root, "kept", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
            t.fs.flush();
            long fresh = t.fs.statfs().blocksFree();
            long[] open = new long[60];
            for (int i = 0; i < open.length; i++) {
                open[i] = t.fs.create(root, "o" + i, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh();
                t.fs.unlink(root, "o" + i); // unlinked while open: an orphan
            }
            assertEquals(3, t.fs.fs.table.chunks());
            t.crashAndAttach(); // the orphans are freed by the attach's scan, then the table shrinks
            t.fs.flush();
            assertEquals(1, t.fs.fs.table.chunks());
            assertEquals(fresh, t.fs.statfs().blocksFree());
            Consistency.check(t.fs);
        }
    }
}
