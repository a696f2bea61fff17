package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** O_TMPFILE ({@link NvmFs#tmpfile}): an unnamed file, named by link, freed at close, after a crash, or at unmount. */
class TmpfileTest {
    private static final int O_RDWR = Handle.O_RDWR;
    private TestFs t;
    private NvmFs fs;

    @BeforeEach
    void setUp() throws Exception {
        t = TestFs.ofSize(128L << 20);
        fs = t.fs;
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void anUnnamedFileIsInNoDirectoryUntilLinkNamesIt() throws Exception {
        long dir = fs.mkdir(fs.root(), "d", 02775, new Caller(0, 50)).ino();
        NvmFs.Created c = fs.tmpfile(dir, 0600, O_RDWR, new Caller(1000, 100));
        Stat st = c.stat();
        assertEquals(0, st.nlink());
        assertEquals(Mode.S_IFREG | 0600, st.mode());
        assertEquals(1000, st.uid());
        assertEquals(50, st.gid(), "a set-group-ID directory passes its group on");
        assertEquals(2, fs.readdir(dir, 0, 100).size(), "only . and ..");
        byte[] data = random(100_000);
        fs.write(c.fh(), 0, MemorySegment.ofArray(data), 0, data.length);
        fs.link(st.ino(), dir, "named");
        assertEquals(1, fs.getattr(st.ino()).nlink());
        fs.release(c.fh());
        byte[] back = new byte[data.length];
        long fh = fs.open(fs.lookup(dir, "named"), O_RDWR);
        fs.read(fh, 0, MemorySegment.ofArray(back), 0, back.length);
        fs.release(fh);
        assertArrayEquals(data, back);
        t.remount();
        assertEquals(st.ino(), t.fs.lookup(t.fs.lookup(t.fs.root(), "d"), "named"), "the name is durable");
    }

    @Test
    void anUnnamedFileIsFreedAtItsLastCloseAndItsSpaceComesBack() throws Exception {
        long free = fs.statfs().blocksFree();
        long used = fs.statfs().files() - fs.statfs().filesFree();
        NvmFs.Created c = fs.tmpfile(fs.root(), 0644, O_RDWR, Caller.ROOT);
        fs.write(c.fh(), 0, MemorySegment.ofArray(random(1 << 20)), 0, 1 << 20);
        fs.release(c.fh());
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.getattr(c.stat().ino())).errno());
        assertEquals(free, fs.statfs().blocksFree());
        assertEquals(used, fs.statfs().files() - fs.statfs().filesFree());
    }

    @Test
    void aCrashFreesAnUnnamedFileAndKeepsALinkedOne() throws Exception {
        long used = fs.statfs().files() - fs.statfs().filesFree();
        NvmFs.Created lost = fs.tmpfile(fs.root(), 0644, O_RDWR, Caller.ROOT);
        fs.write(lost.fh(), 0, MemorySegment.ofArray(random(50_000)), 0, 50_000);
        fs.fsync(lost.fh(), false);
        NvmFs.Created kept = fs.tmpfile(fs.root(), 0644, O_RDWR, Caller.ROOT);
        byte[] data = random(70_000);
        fs.write(kept.fh(), 0, MemorySegment.ofArray(data), 0, data.length);
        fs.fsync(kept.fh(), false);
        fs.link(kept.stat().ino(), fs.root(), "kept");
        NvmFs after = t.crashAndAttach(); // both still open: as a kill -9 leaves them
        fs = after;
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> after.getattr(lost.stat().ino())).errno());
        long ino = after.lookup(after.root(), "kept");
        byte[] back = new byte[data.length];
        long fh = after.open(ino, O_RDWR);
        after.read(fh, 0, MemorySegment.ofArray(back), 0, back.length);
        after.release(fh);
        assertArrayEquals(data, back);
        assertEquals(used + 1, after.statfs().files() - after.statfs().filesFree(), "only the linked file holds an inode");
    }

    @Test
    void onlyAFileThatNeverHadANameMayBeLinkedFromNlinkZero() throws Exception {
        NvmFs.Created c = fs.create(fs.root(), "f", 0644, O_RDWR, Caller.ROOT);
        fs.unlink(fs.root(), "f");
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.link(c.stat().ino(), fs.root(), "g")).errno());
        NvmFs.Created tmp = fs.tmpfile(fs.root(), 0644, O_RDWR, Caller.ROOT);
        fs.link(tmp.stat().ino(), fs.root(), "a");
        fs.unlink(fs.root(), "a");
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.link(tmp.stat().ino(), fs.root(), "b")).errno(),
                "named once, unlinked: gone like any file");
        fs.release(c.fh());
        fs.release(tmp.fh());
        long d = fs.mkdir(fs.root(), "gone", 0755, Caller.ROOT).ino();
        fs.rmdir(fs.root(), "gone");
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.tmpfile(d, 0644, O_RDWR, Caller.ROOT)).errno());
    }
}
