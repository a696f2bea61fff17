package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contents: read, write, O_APPEND, holes, truncate, fallocate, unlink while open, EBADF, big offsets. */
class FileOpsTest {
    private Arena arena;
    private TestFs t;
    private NvmFs fs;
    private long root;

    @BeforeEach
    void setUp() throws Exception {
        arena = Arena.ofConfined();
        t = new TestFs(arena, 128L << 20);
        fs = t.fs;
        root = fs.root();
    }

    @AfterEach
    void tearDown() throws Exception {
        t.fs.close();
        arena.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private long create(String name) throws FsException {
        return fs.create(root, name, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh();
    }

    private int write(long fh, long off, byte[] b) throws FsException {
        return fs.write(fh, off, MemorySegment.ofArray(b), 0, b.length);
    }

    private byte[] read(long fh, long off, int len) throws FsException {
        byte[] b = new byte[len];
        int got = fs.read(fh, off, MemorySegment.ofArray(b), 0, len);
        return Arrays.copyOf(b, got);
    }

    @Test
    void writesAndReadsAtAnyOffsetAndSize() throws Exception {
        long fh = create("f");
        byte[] model = new byte[3 << 20];
        Random rnd = new Random(5);
        int size = 0;
        for (int i = 0; i < 300; i++) {
            int off = rnd.nextInt(model.length - 70_000);
            byte[] chunk = random(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 70_000), i);
            assertEquals(chunk.length, write(fh, off, chunk));
            System.arraycopy(chunk, 0, model, off, chunk.length);
            size = Math.max(size, off + chunk.length);
        }
        assertEquals(size, fs.getattr(fs.inodeOf(fh)).size());
        assertArrayEquals(Arrays.copyOf(model, size), read(fh, 0, size + 100));
        long ino = fs.inodeOf(fh);
        fs.release(fh);
        fs = t.remount();
        assertArrayEquals(Arrays.copyOf(model, size), t.readFile(ino));
    }

    @Test
    void writePastEofLeavesAHoleOfZerosThatTakesNoPages() throws Exception {
        long fh = create("sparse");
        write(fh, 0, "head".getBytes());
        write(fh, 10L << 20, "tail".getBytes());
        Stat st = fs.getattr(fs.inodeOf(fh));
        assertEquals((10L << 20) + 4, st.size());
        assertTrue(st.blocks() <= 2 * 8, "two pages at most, not 10 MiB: " + st.blocks());
        byte[] middle = read(fh, 4, 1 << 20);
        assertArrayEquals(new byte[1 << 20], middle);
        assertArrayEquals("tail".getBytes(), read(fh, 10L << 20, 100));
        assertEquals(0, read(fh, 20L << 20, 10).length, "reading past EOF returns nothing");
    }

    @Test
    void stalePageContentNeverShowsThroughANewExtent() throws Exception {
        // Fill pages with a pattern, free them, then grow a file over them by writing far past EOF.
        long fh = create("dirty");
        byte[] junk = new byte[4 << 20];
        Arrays.fill(junk, (byte) 0x77);
        write(fh, 0, junk);
        fs.release(fh);
        fs.unlink(root, "dirty");
        long fh2 = create("fresh");
        write(fh2, 1, new byte[] {1});
        write(fh2, 3 << 20, new byte[] {2});
        byte[] all = read(fh2, 0, (3 << 20) + 1);
        for (int i = 0; i < all.length; i++) {
            byte expect = i == 1 ? 1 : i == (3 << 20) ? (byte) 2 : 0;
            if (all[i] != expect) {
                throw new AssertionError("byte " + i + " is " + all[i]);
            }
        }
    }

    @Test
    void killPrivilegesTakesSetuidSetgidWithGroupExecAndCapabilitiesOnly() throws Exception {
        long ino = t.writeFile(root, "tool", "x".getBytes());
        fs.chmod(ino, 06755);
        fs.setxattr(ino, NvmFs.CAPABILITY_XATTR, new byte[] {1, 2, 3}, 0);
        fs.setxattr(ino, "user.note", new byte[] {9}, 0);
        fs.killPrivileges(ino);
        assertEquals(0755, fs.getattr(ino).mode() & Mode.PERMS);
        assertNull(fs.getxattrOrNull(ino, NvmFs.CAPABILITY_XATTR));
        assertArrayEquals(new byte[] {9}, fs.getxattrOrNull(ino, "user.note"), "other xattrs stay");
        fs.chmod(ino, 02745); // set-group-ID without group execute: mandatory locking, kept
        fs.killPrivileges(ino);
        assertEquals(02745, fs.getattr(ino).mode() & Mode.PERMS);
        long ctime = fs.getattr(ino).ctimeSec() * 1_000_000_000L + fs.getattr(ino).ctimeNsec();
        fs.killPrivileges(ino);
        assertEquals(ctime, fs.getattr(ino).ctimeSec() * 1_000_000_000L + fs.getattr(ino).ctimeNsec(), "nothing to take: nothing written");
        long dir = fs.mkdir(root, "sgiddir", 02775, Caller.ROOT).ino();
        fs.killPrivileges(dir);
        assertEquals(02775, fs.getattr(dir).mode() & Mode.PERMS, "directories keep set-group-ID");
    }

    @Test
    void appendWritesGoToTheEndWhateverTheOffset() throws Exception {
        long ino = t.writeFile(root, "log", "one\n".getBytes());
        long fh = fs.open(ino, Handle.O_WRONLY | Handle.O_APPEND);
        write(fh, 0, "two\n".getBytes());
        write(fh, 1, "three\n".getBytes());
        fs.release(fh);
        assertEquals("one\ntwo\nthree\n", new String(t.readFile(ino)));
    }

    @Test
    void filesLargerThan4GiBWork() throws Exception {
        long fh = create("big");
        long off = (5L << 30) + 12345;
        write(fh, off, "far".getBytes());
        assertEquals(off + 3, fs.getattr(fs.inodeOf(fh)).size());
        assertArrayEquals("far".getBytes(), read(fh, off, 3));
        assertEquals(Errno.EFBIG, assertThrows(FsException.class, () -> write(fh, (1L << 44) - 1, new byte[2])).errno());
    }

    @Test
    void sequentialGrowthUsesFewAlignedExtents() throws Exception {
        long fh = create("seq");
        byte[] block = new byte[128 << 10];
        for (int i = 0; i < 256; i++) {
            write(fh, (long) i * block.length, block);
        }
        fs.fsync(fh, false);
        Inode n = fs.fs.cache.get(fs.inodeOf(fh));
        assertTrue(n.extents.count() <= 14, "32 MiB written sequentially in " + n.extents.count() + " extents");
        for (int i = 0; i < n.extents.count(); i++) {
            long size = 1L << n.extents.order(i);
            assertEquals(0, n.extents.logical(i) % size, "extent " + i + " aligned");
            assertEquals(0, n.extents.physical(i) % size);
        }
    }

    @Test
    void truncateShrinksAndGrowsAndFreesPagesAtOnce() throws Exception {
        long ino = t.writeFile(root, "t", random(1 << 20, 1));
        long freeBefore = fs.statfs().blocksFree();
        fs.truncate(ino, 5000);
        assertEquals(5000, fs.getattr(ino).size());
        assertEquals(freeBefore + 256 - 2, fs.statfs().blocksFree(), "pages past the new end went back at once");
        assertEquals(2 * 8, fs.getattr(ino).blocks());
        fs.truncate(ino, 100_000);
        byte[] b = t.readFile(ino);
        assertArrayEquals(Arrays.copyOf(random(1 << 20, 1), 5000), Arrays.copyOf(b, 5000));
        assertArrayEquals(new byte[100_000 - 5000], Arrays.copyOfRange(b, 5000, 100_000), "growth reads as zeros");
        long dir = fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        assertEquals(Errno.EISDIR, assertThrows(FsException.class, () -> fs.truncate(dir, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> fs.truncate(ino, -1)).errno());
        fs = t.remount();
        assertEquals(100_000, fs.getattr(ino).size());
        assertArrayEquals(b, t.readFile(ino));
    }

    @Test
    void fallocateModes() throws Exception {
        long fh = create("fa");
        long ino = fs.inodeOf(fh);
        fs.fallocate(fh, 0, 0, 1 << 20);
        assertEquals(1 << 20, fs.getattr(ino).size());
        assertEquals(256 * 8, fs.getattr(ino).blocks());
        assertArrayEquals(new byte[1 << 20], read(fh, 0, 1 << 20));
        fs.fallocate(fh, Fallocate.KEEP_SIZE, 1 << 20, 1 << 20);
        assertEquals(1 << 20, fs.getattr(ino).size(), "KEEP_SIZE keeps the size");
        assertEquals(512 * 8, fs.getattr(ino).blocks());
        write(fh, 0, random(1 << 20, 9));
        long free = fs.statfs().blocksFree();
        fs.fallocate(fh, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, 100, 300_000);
        assertEquals(1 << 20, fs.getattr(ino).size());
        // 72 whole pages go back; the file now has 8 extents (page 0, six aligned pieces of 73..255, the
        // KEEP_SIZE megabyte), more than the 7 an inode holds inline,
        // so one extent page is taken for them.
        assertEquals(free + 72 - 1, fs.statfs().blocksFree(), "punched whole pages went back at once");
        assertEquals(8, fs.fs.cache.get(ino).extents.count());
        byte[] expect = random(1 << 20, 9);
        Arrays.fill(expect, 100, 300_100, (byte) 0);
        assertArrayEquals(expect, read(fh, 0, 1 << 20));
        fs.fallocate(fh, Fallocate.ZERO_RANGE, 500_000, 10_000);
        Arrays.fill(expect, 500_000, 510_000, (byte) 0);
        assertArrayEquals(expect, read(fh, 0, 1 << 20));
        fs.fallocate(fh, Fallocate.ZERO_RANGE, (1 << 20) - 10, 20);
        assertEquals((1 << 20) + 10, fs.getattr(ino).size(), "ZERO_RANGE without KEEP_SIZE extends");
        Arrays.fill(expect, (1 << 20) - 10, 1 << 20, (byte) 0);
        assertEquals(Errno.EOPNOTSUPP, assertThrows(FsException.class, () -> fs.fallocate(fh, Fallocate.PUNCH_HOLE, 0, 1)).errno());
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> fs.fallocate(fh, 0, 0, 0)).errno());
        fs.release(fh);
        fs = t.remount();
        expect = Arrays.copyOf(expect, (1 << 20) + 10);
        assertArrayEquals(expect, t.readFile(ino));
    }

    @Test
    void unlinkedOpenFileKeepsWorkingUntilLastRelease() throws Exception {
        long fh = create("ghost");
        long ino = fs.inodeOf(fh);
        write(fh, 0, random(1 << 20, 3));
        long free = fs.statfs().blocksFree();
        fs.unlink(root, "ghost");
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.lookup(root, "ghost")).errno());
        assertEquals(0, fs.readdir(root, 2, 10).size(), "gone from its directory at once");
        write(fh, 1 << 20, "more".getBytes());
        assertArrayEquals("more".getBytes(), read(fh, 1 << 20, 4));
        assertEquals(0, fs.getattr(ino).nlink());
        assertTrue(fs.statfs().blocksFree() <= free);
        fs.release(fh);
        assertTrue(fs.statfs().blocksFree() >= free + 256, "pages freed at last release");
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> fs.getattr(ino)).errno());
    }

    @Test
    void handleErrors() throws Exception {
        long ino = t.writeFile(root, "f", "x".getBytes());
        long ro = fs.open(ino, 0);
        assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> write(ro, 0, new byte[1])).errno());
        fs.release(ro);
        assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> read(ro, 0, 1)).errno());
        assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> fs.release(ro)).errno());
        long wo = fs.open(ino, Handle.O_WRONLY);
        assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> read(wo, 0, 1)).errno());
        fs.release(wo);
        long dir = fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        assertEquals(Errno.EISDIR, assertThrows(FsException.class, () -> fs.open(dir, Handle.O_RDWR)).errno());
    }

    @Test
    void openWithTruncEmptiesTheFile() throws Exception {
        long ino = t.writeFile(root, "f", random(10_000, 2));
        long fh = fs.open(ino, Handle.O_RDWR | Handle.O_TRUNC);
        assertEquals(0, fs.getattr(ino).size());
        assertEquals(0, fs.getattr(ino).blocks());
        fs.release(fh);
    }

    @Test
    void timesFollowPosix() throws Exception {
        long ino = t.writeFile(root, "f", "x".getBytes());
        Stat s0 = fs.getattr(ino);
        long fh = fs.open(ino, Handle.O_RDWR);
        write(fh, 0, "y".getBytes());
        Stat s1 = fs.getattr(ino);
        assertTrue(later(s1.mtimeSec(), s1.mtimeNsec(), s0.mtimeSec(), s0.mtimeNsec()), "write moves mtime");
        assertTrue(later(s1.ctimeSec(), s1.ctimeNsec(), s0.ctimeSec(), s0.ctimeNsec()), "write moves ctime");
        read(fh, 0, 1);
        Stat s2 = fs.getattr(ino);
        assertTrue(later(s2.atimeSec(), s2.atimeNsec(), s0.atimeSec(), s0.atimeNsec()), "relatime: first read after a write moves atime");
        read(fh, 0, 1);
        assertEquals(s2.atimeNsec(), fs.getattr(ino).atimeNsec(), "relatime: a second read does not");
        fs.release(fh);
    }

    @Test
    void noatimeNeverMovesAtime() throws Exception {
        long ino = t.writeFile(root, "f", "x".getBytes());
        t.fs.close();
        t.fs = NvmFs.attach(t.media, t.options().withAtime(FsOptions.Atime.NOATIME));
        fs = t.fs;
        Stat before = fs.getattr(ino);
        long fh = fs.open(ino, 0);
        read(fh, 0, 1);
        fs.release(fh);
        assertEquals(before.atimeNsec(), fs.getattr(ino).atimeNsec());
        assertEquals(before.atimeSec(), fs.getattr(ino).atimeSec());
    }

    @Test
    void syncMountPersistsEveryWriteBeforeItReturns() throws Exception {
        t.fs.close();
        t.fs = NvmFs.attach(t.media, t.options().withSync(true));
        fs = t.fs;
        long fh = create("s");
        write(fh, 0, "durable".getBytes());
        long ino = fs.inodeOf(fh);
        // Abandon without release or close: with -o sync the write is already committed.
        t.fs = NvmFs.attach(t.media, t.options());
        fs = t.fs;
        assertEquals("durable", new String(t.readFile(ino)));
    }

    private static boolean later(long s1, int n1, long s0, int n0) {
        return s1 > s0 || (s1 == s0 && n1 > n0);
    }
}
