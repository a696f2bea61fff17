package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.nvmpg.Namespace;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edges of size: the last page, a 100,000-entry directory, a 1 TiB sparse file. */
class FsScaleTest {
    @TempDir
    Path dir;

    @Test
    void fillingToTheLastPageGivesEnospcWithoutDamageAndDeletingMakesRoom() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 16L << 20);
            NvmFs fs = t.fs;
            long root = fs.root();
            byte[] chunk = new byte[64 << 10];
            java.util.Arrays.fill(chunk, (byte) 7);
            List<String> files = new ArrayList<>();
            FsException full = null;
            for (int i = 0; full == null; i++) {
                String name = "f" + i;
                NvmFs.Created c;
                try {
                    c = fs.create(root, name, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
                } catch (FsException e) {
                    full = e;
                    break;
                }
                files.add(name);
                try {
                    for (int k = 0; k < 16; k++) {
                        int n = fs.write(c.fh(), (long) k * chunk.length, MemorySegment.ofArray(chunk), 0, chunk.length);
                        if (n < chunk.length) {
                            full = new FsException(Errno.ENOSPC, "short write");
                            break;
                        }
                    }
                } catch (FsException e) {
                    full = e;
                } finally {
                    fs.release(c.fh());
                }
            }
            assertEquals(Errno.ENOSPC, full.errno());
            // Full for data: nothing available; what is left is the reserve metadata may still use.
            assertEquals(0, fs.statfs().blocksAvailable());
            assertTrue(fs.statfs().blocksFree() <= fs.fs.metaReserve, "full: " + fs.statfs().blocksFree() + " pages free");
            fs.mkdir(root, "still-possible", 0755, Caller.ROOT);
            fs.setxattr(root, "user.note", new byte[100], 0);
            Consistency.check(fs);
            fs = t.remount();
            Consistency.check(fs);
            for (String name : files.subList(0, files.size() / 2)) {
                fs.unlink(root, name);
            }
            long freed = fs.statfs().blocksFree();
            assertTrue(freed > 1000, "deleting half gives pages back: " + freed);
            long ino = t.writeFile(root, "after", new byte[1 << 20]);
            assertEquals(1 << 20, fs.getattr(ino).size());
            Consistency.check(fs);
            fs.close();
        }
    }

    @Test
    void hundredThousandEntriesInOneDirectory() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 256L << 20);
            NvmFs fs = t.fs;
            long d = fs.mkdir(fs.root(), "many", 0755, Caller.ROOT).ino();
            for (int i = 0; i < 100_000; i++) {
                fs.mknod(d, "file-number-" + i, 0644, 0, Caller.ROOT);
            }
            assertEquals(100_002, fs.readdir(d, 0, Integer.MAX_VALUE).size());
            fs = t.remount();
            for (int i = 0; i < 100_000; i += 997) {
                assertTrue(fs.lookup(d, "file-number-" + i) > 0);
            }
            for (int i = 0; i < 100_000; i += 2) {
                fs.unlink(d, "file-number-" + i);
            }
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> t.fs.lookup(d, "file-number-0")).errno());
            assertEquals(50_002, fs.readdir(d, 0, Integer.MAX_VALUE).size());
            Consistency.check(fs);
            fs.close();
        }
    }

    @Test
    void oneTebibyteSparseFile() throws Exception {
        try (Namespace ns = Namespace.create(dir.resolve("fs.img"), 1L << 30)) {
            Mkfs.format(ns.media(), "tib", 0, TimeSource.SYSTEM);
            NvmFs fs = NvmFs.attach(ns.media(), FsOptions.defaults().withCommitMillis(0));
            NvmFs.Created c = fs.create(fs.root(), "sparse", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            long tib = 1L << 40;
            byte[] marker = "end of a terabyte".getBytes();
            fs.write(c.fh(), tib - marker.length, MemorySegment.ofArray(marker), 0, marker.length);
            fs.write(c.fh(), 1L << 35, MemorySegment.ofArray(marker), 0, marker.length);
            fs.fsync(c.fh(), false);
            Stat st = fs.getattr(c.stat().ino());
            assertEquals(tib, st.size());
            assertTrue(st.blocks() <= 4 * 8, "a 1 TiB sparse file holds a few pages: " + st.blocks());
            byte[] got = new byte[marker.length];
            fs.read(c.fh(), tib - marker.length, MemorySegment.ofArray(got), 0, got.length);
            assertArrayEquals(marker, got);
            byte[] hole = new byte[4096];
            fs.read(c.fh(), 1L << 39, MemorySegment.ofArray(hole), 0, hole.length);
            assertArrayEquals(new byte[4096], hole);
            fs.truncate(c.stat().ino(), 1L << 36);
            fs.release(c.fh());
            fs.close();
            fs = NvmFs.attach(ns.media(), FsOptions.defaults().withCommitMillis(0));
            assertEquals(1L << 36, fs.getattr(c.stat().ino()).size());
            Consistency.check(fs);
            fs.close();
        }
    }
}
