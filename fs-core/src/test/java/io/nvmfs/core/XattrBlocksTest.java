package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Version 2 xattr blocks (FORMAT.md, "Extended attributes"): values up to XATTR_SIZE_MAX (65536
 * bytes) and up to 1 MiB of attributes per inode, in one block of the smallest order that holds
 * them, counted in st_blocks and all given back on removal.
 */
class XattrBlocksTest {
    private static final int MAX = XattrBlockFormat.MAX_VALUE;

    private static Errno errno(Executable e) {
        return assertThrows(FsException.class, e::run).errno();
    }

    interface Executable {
        void run() throws Exception;
    }

    private static byte[] value(int seed, int length) {
        return CrashOps.pattern(seed, length);
    }

    /** Pages the file's xattr block takes, from st_blocks (the file holds no data). */
    private static long xattrPagesOf(TestFs t, long ino) throws FsException {
        return t.fs.getattr(ino).blocks() / 8;
    }

    @Test
    void aValueOfXattrSizeMaxRoundTripsExactlyAlsoAfterRemount() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            byte[] v = value(1, MAX);
            t.fs.setxattr(f, "user.big", v, 0);
            assertArrayEquals(v, t.fs.getxattr(f, "user.big"));
            assertEquals(MAX, t.fs.getxattr(f, "user.big", 0).length, "size 0 asks for the length");
            assertEquals(Errno.ERANGE, errno(() -> t.fs.getxattr(f, "user.big", MAX - 1)));
            // 16 + 8 + 8 + 65536 bytes need 17 pages: the block is the order-5 one, 32 pages.
            assertEquals(32, xattrPagesOf(t, f), "st_blocks counts the xattr block's pages");
            t.remount();
            assertArrayEquals(v, t.fs.getxattr(f, "user.big"), "after detach and attach");
            assertEquals(32, xattrPagesOf(t, f));
            t.crashAndAttach();
            assertArrayEquals(v, t.fs.getxattr(f, "user.big"), "after a crash (no detach)");
            Consistency.check(t.fs);
        }
    }

    @Test
    void aDamagedBlockIsEioAndTurnsTheFilesystemReadOnly() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            t.fs.setxattr(f, "user.big", value(1, MAX), 0);
            t.fs.setxattr(f, "user.small", value(2, 3), 0);
            t.remount(); // a fresh DRAM copy of the inode: its first read checks the block
            long at = t.fs.fs.table.read(f).xattrPage() << 12;
            long deep = at + 50_000; // page 12 of the 32
            t.media.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, deep,
                    (byte) ~t.media.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, deep));
            FsException e = assertThrows(FsException.class, () -> t.fs.getxattr(f, "user.small"));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            assertEquals(Errno.EROFS, errno(() -> t.fs.setxattr(f, "user.other", value(3, 1), 0)));
            assertEquals(1, t.media.segment().get(Le.LONG, t.fs.fs.superblock + FsSuperblockFormat.OFF_ERRORS), "recorded");
        }
    }

    @Test
    void aValueOverXattrSizeMaxIsE2bigAndChangesNothing() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            t.fs.setxattr(f, "user.a", value(2, 10), 0);
            long free = t.fs.statfs().blocksFree();
            assertEquals(Errno.E2BIG, errno(() -> t.fs.setxattr(f, "user.big", new byte[MAX + 1], 0)));
            assertEquals(List.of("user.a"), t.fs.listxattr(f));
            assertEquals(free, t.fs.statfs().blocksFree());
        }
    }

    @Test
    void twoValuesOf60KiBOnOneInodeAndOnADirectory() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            byte[] a = value(3, 60 << 10);
            byte[] b = value(4, 60 << 10);
            for (long ino : new long[] {f, d}) {
                t.fs.setxattr(ino, "user.a", a, 0);
                t.fs.setxattr(ino, "user.b", b, XattrCalls.XATTR_CREATE);
            }
            t.remount();
            for (long ino : new long[] {f, d}) {
                assertArrayEquals(a, t.fs.getxattr(ino, "user.a"));
                assertArrayEquals(b, t.fs.getxattr(ino, "user.b"));
                assertEquals(List.of("user.a", "user.b"), t.fs.listxattr(ino));
            }
            assertEquals(32, xattrPagesOf(t, f), "122,928 bytes with the header: 31 pages, so the 32-page block");
            Consistency.check(t.fs);
        }
    }

    @Test
    void twoThousandSmallAttributesOnOneInodeAndAllTheirPagesBackAfterRemoval() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            long free = t.fs.statfs().blocksFree();
            int n = 2000;
            for (int i = 0; i < n; i++) {
                t.fs.setxattr(f, "user.attr" + i, value(i, i % 40), XattrCalls.XATTR_CREATE);
            }
            t.remount();
            assertEquals(n, t.fs.listxattr(f).size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(value(i, i % 40), t.fs.getxattr(f, "user.attr" + i), "user.attr" + i);
            }
            assertTrue(xattrPagesOf(t, f) >= 16, "2000 entries of 24..64 bytes take more than 15 pages");
            Consistency.check(t.fs);
            for (int i = 0; i < n; i++) {
                t.fs.removexattr(f, "user.attr" + i);
            }
            assertEquals(List.of(), t.fs.listxattr(f));
            assertEquals(0, t.fs.getattr(f).blocks(), "no block once the last attribute goes");
            assertEquals(free, t.fs.statfs().blocksFree(), "every page back");
            t.remount();
            assertEquals(free, t.fs.statfs().blocksFree(), "and after remount");
            Consistency.check(t.fs);
        }
    }

    @Test
    void attributesBeyondOneBlockOf256PagesAreEnospcAndChangeNothing() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            // Each entry: 8 + 9 + 65536 bytes, padded: 65,556; fifteen fit in 1,048,560, sixteen do not.
            for (int i = 0; i < 15; i++) {
                t.fs.setxattr(f, "user.v" + String.format("%03d", i), value(i, MAX), 0);
            }
            assertEquals(256, xattrPagesOf(t, f));
            long free = t.fs.statfs().blocksFree();
            FsException e = assertThrows(FsException.class, () -> t.fs.setxattr(f, "user.v015", value(15, MAX), 0));
            assertEquals(Errno.ENOSPC, e.errno());
            assertTrue(e.getMessage().contains("at most 1048560 fit in one xattr block"), e.getMessage());
            assertEquals(15, t.fs.listxattr(f).size());
            assertEquals(free, t.fs.statfs().blocksFree(), "the failed call took nothing");
            t.fs.setxattr(f, "user.v014", value(99, 100), 0); // a smaller replacement still fits
            assertArrayEquals(value(99, 100), t.fs.getxattr(f, "user.v014"));
            Consistency.check(t.fs);
        }
    }

    @Test
    void aFullFilesystemRefusesALargeNewBlockButStillRemovesAttributes() throws Exception {
        try (TestFs t = TestFs.ofSize(16L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            long g = t.writeFile(t.fs.root(), "g", new byte[0]);
            t.fs.setxattr(f, "user.big", value(5, 60 << 10), 0);
            t.fs.setxattr(f, "user.small", value(6, 10), 0);
            fillWithData(t);
            assertEquals(0, t.fs.statfs().blocksAvailable(), "data has taken everything but the metadata reserve");
            assertEquals(Errno.ENOSPC, errno(() -> t.fs.setxattr(g, "user.big", value(7, 60 << 10), 0)),
                    "a 16-page block may not take the reserve");
            t.fs.setxattr(g, "user.first", value(8, 100), 0); // one page may, as the v1 page always could
            t.fs.removexattr(f, "user.big"); // the smaller block that replaces it may too
            assertArrayEquals(value(6, 10), t.fs.getxattr(f, "user.small"));
            assertEquals(1, xattrPagesOf(t, f));
            Consistency.check(t.fs);
        }
    }

    @Test
    void theBlockGrowsAndShrinksThroughTheOrdersAsValuesChange() throws Exception {
        try (TestFs t = TestFs.ofSize(32L << 20)) {
            long f = t.writeFile(t.fs.root(), "f", new byte[0]);
            long free = t.fs.statfs().blocksFree();
            // "user.x" entries take 8 + 6 + value bytes, padded to 4; the block 16 more: 4066 fills one page.
            int[] sizes = {0, 100, 4066, 4067, 8000, 16_000, 40_000, MAX, 30_000, 5, 0};
            long[] pages = {1, 1, 1, 2, 2, 4, 16, 32, 8, 1, 1};
            for (int i = 0; i < sizes.length; i++) {
                t.fs.setxattr(f, "user.x", value(i, sizes[i]), 0);
                assertEquals(pages[i], xattrPagesOf(t, f), "a value of " + sizes[i] + " bytes");
                assertArrayEquals(value(i, sizes[i]), t.fs.getxattr(f, "user.x"));
                assertEquals(free - pages[i], t.fs.statfs().blocksFree(), "only the current block is held");
            }
            t.fs.removexattr(f, "user.x");
            assertEquals(free, t.fs.statfs().blocksFree());
        }
    }

    /** Writes file data until none fits (until statfs says no block is available to it). */
    private static void fillWithData(TestFs t) throws FsException {
        NvmFs.Created fill = t.fs.create(t.fs.root(), "fill", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        t.fs.release(fill.fh());
        byte[] chunk = new byte[4096];
        long off = 0;
        // Appends get blocks past EOF that the last close gives back: write again until none are left.
        while (t.fs.statfs().blocksAvailable() > 0) {
            long fh = t.fs.open(fill.stat().ino(), Handle.O_RDWR);
            try {
                while (true) {
                    t.fs.write(fh, off, java.lang.foreign.MemorySegment.ofArray(chunk), 0, chunk.length);
                    off += chunk.length;
                }
            } catch (FsException e) {
                assertEquals(Errno.ENOSPC, e.errno());
            } finally {
                t.fs.release(fh);
            }
        }
    }

    /**
     * A generated workload against a model: random set (plain, XATTR_CREATE, XATTR_REPLACE),
     * replace and remove, values of 0..65536 bytes, on two files and a directory; every answer
     * compared with a map, and all of it again after a remount and after a crash.
     */
    @Test
    void randomWorkloadMatchesAMapModelAcrossRemountsAndCrashes() throws Exception {
        try (TestFs t = TestFs.ofSize(64L << 20)) {
            long[] inos = {t.writeFile(t.fs.root(), "a", new byte[] {1}), t.writeFile(t.fs.root(), "b", new byte[0]),
                t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino()};
            List<Map<String, byte[]>> model = new ArrayList<>();
            for (int i = 0; i < inos.length; i++) {
                model.add(new HashMap<>());
            }
            Random r = new Random(20261201L);
            for (int step = 0; step < 600; step++) {
                int which = r.nextInt(inos.length);
                long ino = inos[which];
                Map<String, byte[]> m = model.get(which);
                String name = (r.nextInt(8) == 0 ? "trusted.t" : "user.n") + r.nextInt(12);
                int op = r.nextInt(10);
                if (op < 2) {
                    Errno got = null;
                    try {
                        t.fs.removexattr(ino, name);
                    } catch (FsException e) {
                        got = e.errno();
                    }
                    assertEquals(m.remove(name) == null ? Errno.ENODATA : null, got, "remove " + name + " at step " + step);
                    continue;
                }
                int size = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(64);
                    case 1 -> r.nextInt(4096);
                    case 2 -> r.nextInt(MAX + 1);
                    default -> MAX - r.nextInt(2);
                };
                byte[] v = value(step, size);
                int flags = op < 5 ? 0 : op < 8 ? XattrCalls.XATTR_CREATE : XattrCalls.XATTR_REPLACE;
                long used = entries(m, name, size);
                Errno want = (flags == XattrCalls.XATTR_CREATE && m.containsKey(name)) ? Errno.EEXIST
                        : (flags == XattrCalls.XATTR_REPLACE && !m.containsKey(name)) ? Errno.ENODATA
                        : used > XattrBlockFormat.MAX_USED ? Errno.ENOSPC : null;
                Errno got = null;
                try {
                    t.fs.setxattr(ino, name, v, flags);
                } catch (FsException e) {
                    got = e.errno();
                }
                assertEquals(want, got, "set " + name + " (" + size + " bytes, flags " + flags + ") at step " + step);
                if (want == null) {
                    m.put(name, v);
                }
                if (step % 97 == 0) {
                    compare(t, inos, model, "step " + step);
                }
                if (step % 151 == 150) {
                    t.crashAndAttach();
                    compare(t, inos, model, "crash at step " + step);
                }
            }
            t.remount();
            compare(t, inos, model, "after remount");
            Consistency.check(t.fs);
        }
    }

    /** Entry bytes of {@code m} with {@code name} set to a value of {@code size} bytes. */
    private static long entries(Map<String, byte[]> m, String name, int size) {
        long used = XattrBlockFormat.entrySize(name.length(), size);
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
            if (!e.getKey().equals(name)) {
                used += XattrBlockFormat.entrySize(e.getKey().length(), e.getValue().length);
            }
        }
        return used;
    }

    private static void compare(TestFs t, long[] inos, List<Map<String, byte[]>> model, String when) throws Exception {
        for (int i = 0; i < inos.length; i++) {
            Map<String, byte[]> m = model.get(i);
            assertEquals(new TreeSet<>(m.keySet()), new TreeSet<>(t.fs.listxattr(inos[i])), "names of inode " + inos[i] + ", " + when);
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                assertArrayEquals(e.getValue(), t.fs.getxattr(inos[i], e.getKey()), e.getKey() + " of inode " + inos[i] + ", " + when);
            }
            assertNull(t.fs.getxattrOrNull(inos[i], "user.never"));
            long used = 0;
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                used += XattrBlockFormat.entrySize(e.getKey().length(), e.getValue().length);
            }
            long pages = m.isEmpty() ? 0 : 1L << XattrBlockFormat.orderFor(used);
            long data = i == 0 ? 1 : 0;
            assertEquals(data + pages, t.fs.getattr(inos[i]).blocks() / 8 - (i == 2 ? dirPages(t, inos[i]) : 0),
                    "pages held by inode " + inos[i] + ", " + when);
        }
    }

    private static long dirPages(TestFs t, long dir) throws FsException {
        return t.fs.getattr(dir).size() / 4096;
    }
}
