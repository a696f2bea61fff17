package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * An operation that fails changes nothing: a punch or truncate whose commit cannot be made (no
 * page left for the longer extent list) used to leave its extent changes in the DRAM inode
 * while the releases it had queued were dropped; the next flush then committed the changed
 * extents, and nvmpg kept the old whole block recorded — "block … was allocated at order 7,
 * not 6" at the next free, found under several threads at ENOSPC.
 */
class FailedCommitTest {
    /** A file of 7 extents (as many as fit inline) whose last one is 16 pages, in a namespace with no page free. */
    private static long fileWithFullInlineExtentsInAFullNamespace(TestFs t) throws FsException {
        long root = t.fs.root();
        NvmFs.Created f = t.fs.create(root, "f", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        byte[] one = {1};
        for (int i = 0; i < InodeFormat.INLINE_EXTENTS - 1; i++) {
            t.fs.write(f.fh(), (long) i * 2 << 12, MemorySegment.ofArray(one), 0, 1);
        }
        long fh = f.fh();
        t.fs.fallocate(fh, 0, 64L << 12, 16L << 12);
        t.fs.release(fh);
        // Metadata pages until none is left (xattr pages may use the pages kept for metadata).
        long dir = t.fs.mkdir(root, "fill", 0755, Caller.ROOT).ino();
        try {
            for (int i = 0; ; i++) {
                NvmFs.Created c = t.fs.create(dir, "x" + i, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
                t.fs.release(c.fh());
                t.fs.setxattr(c.stat().ino(), "user.fill", new byte[100], 0);
            }
        } catch (FsException full) {
            assertEquals(Errno.ENOSPC, full.errno(), full.getMessage());
        }
        return f.stat().ino();
    }

    @Test
    void aPunchThatCannotCommitLeavesTheFileAsItWas() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 8L << 20);
            long ino = fileWithFullInlineExtentsInAFullNamespace(t);
            Stat before = t.fs.getattr(ino);
            long fh = t.fs.open(ino, Handle.O_RDWR);
            // Punching the middle of the 16-page extent needs an eighth extent: an extent page.
            FsException e = assertThrows(FsException.class,
                    () -> t.fs.fallocate(fh, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, 68L << 12, 4L << 12));
            assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
            t.fs.release(fh);
            assertEquals(before.blocks(), t.fs.getattr(ino).blocks(), "st_blocks after the failed punch");
            makeRoomAndFlush(t);
            assertEquals(before.blocks(), t.fs.getattr(ino).blocks(), "st_blocks after the flush");
            Consistency.check(t.remount());
        }
    }

    @Test
    void aTruncateThatCannotCommitLeavesTheFileAsItWas() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 8L << 20);
            long ino = fileWithFullInlineExtentsInAFullNamespace(t);
            Stat before = t.fs.getattr(ino);
            // Truncating inside the 16-page extent keeps its head as two blocks: eight extents.
            FsException e = assertThrows(FsException.class, () -> t.fs.truncate(ino, (64L + 3) << 12));
            assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
            assertEquals(before.size(), t.fs.getattr(ino).size(), "size after the failed truncate");
            makeRoomAndFlush(t);
            assertEquals(before.size(), t.fs.getattr(ino).size(), "size after the flush");
            assertEquals(before.blocks(), t.fs.getattr(ino).blocks(), "st_blocks after the flush");
            Consistency.check(t.remount());
        }
    }

    private static void makeRoomAndFlush(TestFs t) throws FsException {
        long dir = t.fs.resolve("/fill");
        for (int i = 0; i < 8; i++) {
            t.fs.unlink(dir, "x" + i);
        }
        t.fs.flush();
    }
}
