package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * A directory removed while open, or while the kernel holds it (someone's cwd), stays — nlink 0,
 * empty, its number not reused — until its last handle or the kernel's forget lets it go, as a
 * file does; nothing can be created in it. It was freed at once: stat of a cwd gave ENOENT and its
 * number went to the next create while the kernel still had it as a directory (fstests
 * generic/012, 025).
 */
class RemovedDirectoryTest {
    @Test
    void aDirectoryRemovedWhileOpenStaysUntilItsLastHandle() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long root = t.fs.root();
            long d = t.fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
            long fh = t.fs.opendir(d);
            t.fs.rmdir(root, "d");
            assertEquals(0, t.fs.getattr(d).nlink(), "fstat of the open, removed directory");
            assertEquals(2, t.fs.readdirHandle(fh, 0, 100).size(), "only . and ..");
            assertThrows(FsException.class, () -> t.fs.mkdir(d, "x", 0755, Caller.ROOT));
            long next = t.fs.create(root, "x", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).stat().ino();
            assertNotEquals(d, next, "the removed directory's number is not reused while it is open");
            t.fs.releasedir(fh);
            assertThrows(FsException.class, () -> t.fs.getattr(d), "freed at its last handle");
            Consistency.check(t.fs);
        }
    }

    @Test
    void aDirectoryTheKernelHoldsStaysUntilItIsForgotten() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long root = t.fs.root();
            long d = t.fs.mkdir(root, "cwd", 0755, Caller.ROOT).ino();
            t.fs.remember(d); // the kernel's lookup of it (a shell's cwd holds it)
            t.fs.rmdir(root, "cwd");
            assertEquals(0, t.fs.getattr(d).nlink());
            assertEquals(root, t.fs.readdir(d, 0, 10).get(1).ino(), ".. still names the old parent");
            t.fs.forget(d, 1);
            assertThrows(FsException.class, () -> t.fs.getattr(d));
            Consistency.check(t.fs);
        }
    }

    @Test
    void aCrashWhileARemovedDirectoryIsOpenFreesItAtTheNextAttach() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long root = t.fs.root();
            long d = t.fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
            t.fs.opendir(d);
            t.fs.rmdir(root, "d");
            t.crashAndAttach();
            assertThrows(FsException.class, () -> t.fs.getattr(d));
            Consistency.check(t.fs);
        }
    }
}
