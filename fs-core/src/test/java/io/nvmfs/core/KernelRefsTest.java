package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A file the kernel still holds (looked up, not yet forgotten) survives losing its last name:
 * the reader that looked {@code f} up just before another process renamed {@code f.tmp} over it
 * opens and reads the file it found, and its inode number is not given to a new file until the
 * kernel forgets it. Reported as EIO on 4 of 7,765 reads through a mount.
 */
class KernelRefsTest {
    private static final byte[] OLD = "old contents".getBytes(StandardCharsets.UTF_8);

    @Test
    void aLookedUpFileReplacedByRenameStaysReadableUntilForgotten() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 16L << 20);
            long root = t.fs.root();
            long old = t.writeFile(root, "f", OLD);
            t.fs.remember(old); // the reader's LOOKUP of f
            t.writeFile(root, "f.tmp", "new".getBytes(StandardCharsets.UTF_8));
            t.fs.rename(root, "f.tmp", root, "f", 0);
            assertNotEquals(old, t.fs.lookup(root, "f"));
            assertEquals(0, t.fs.getattr(old).nlink(), "the replaced file has no name left");
            assertArrayEquals(OLD, t.readFile(old), "the reader opens and reads what it looked up");
            for (int i = 0; i < 50; i++) {
                long ino = t.writeFile(root, "new" + i, new byte[1]);
                assertNotEquals(old, ino, "a held inode number is not reused");
            }
            t.fs.forget(old, 1);
            assertFalse(t.fs.fs.table.exists(old), "freed once the kernel forgets it");
            Consistency.check(t.fs);
        }
    }

    @Test
    void aHeldUnlinkedFileGoesAtTheLastOfCloseAndForget() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 16L << 20);
            long root = t.fs.root();
            long ino = t.writeFile(root, "f", OLD);
            t.fs.remember(ino);
            t.fs.remember(ino);
            long fh = t.fs.open(ino, 0);
            t.fs.unlink(root, "f");
            t.fs.forget(ino, 1);
            t.fs.release(fh);
            assertTrue(t.fs.fs.table.exists(ino), "still held once by the kernel");
            t.fs.forget(ino, 1);
            assertFalse(t.fs.fs.table.exists(ino));
            Consistency.check(t.fs);
        }
    }

    @Test
    void aCleanDetachFreesHeldUnlinkedFilesAndACrashLeavesThemToAttach() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 16L << 20);
            long root = t.fs.root();
            long a = t.writeFile(root, "a", OLD);
            t.fs.remember(a);
            t.fs.unlink(root, "a");
            Consistency.check(t.remount());
            assertFalse(t.fs.fs.table.exists(a), "the clean detach freed it");

            long b = t.writeFile(t.fs.root(), "b", OLD);
            t.fs.remember(b);
            t.fs.unlink(t.fs.root(), "b");
            t.crashAndAttach();
            assertFalse(t.fs.fs.table.exists(b), "the attach after a crash cleared the orphan");
            Consistency.check(t.fs);
        }
    }

    /**
     * rm then df: the kernel's FORGET of the unlinked file is already queued when rm returns, but
     * may be served after the statfs on another thread; statfs waits for it (briefly), so the
     * space shows as free at once, as on ext4.
     */
    @Test
    void statfsAfterAnUnlinkCountsTheSpaceTheForgetFrees() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long root = t.fs.root();
            t.writeFile(root, "keep", new byte[1]);
            t.fs.flush();
            long before = t.fs.statfs().blocksFree();
            long ino = t.writeFile(root, "big", new byte[4 << 20]);
            t.fs.remember(ino);
            t.fs.unlink(root, "big");
            Thread forgetter = new Thread(() -> {
                try {
                    Thread.sleep(50);
                    t.fs.forget(ino, 1);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            forgetter.start();
            long after = t.fs.statfs().blocksFree();
            forgetter.join();
            t.fs.flush();
            assertTrue(after >= before - 2, "free blocks right after the unlink: " + before + " -> " + after);
        }
    }
}
