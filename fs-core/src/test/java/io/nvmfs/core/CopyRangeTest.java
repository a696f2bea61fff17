package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * copy_file_range ({@link NvmFs#copyRange}) on generated files: sparse sources (written, punched,
 * extended), random ranges into destinations with bytes of their own, checked against a model of
 * both files; within one file; durable at fsync across a crash; the errors the VFS would give.
 */
class CopyRangeTest {
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private TestFs t;
    private NvmFs fs;

    @BeforeEach
    void setUp() throws Exception {
        t = TestFs.ofSize(256L << 20);
        fs = t.fs;
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    /** A file and the bytes it must hold. */
    private final class Model {
        final long fh;
        final long ino;
        byte[] bytes = new byte[0];

        Model(String name) throws FsException {
            NvmFs.Created c = fs.create(fs.root(), name, 0644, Handle.O_RDWR, Caller.ROOT);
            fh = c.fh();
            ino = c.stat().ino();
        }

        void write(long off, byte[] b) throws FsException {
            fs.write(fh, off, MemorySegment.ofArray(b), 0, b.length);
            grow(off + b.length);
            System.arraycopy(b, 0, bytes, (int) off, b.length);
        }

        void punch(long off, int len) throws FsException {
            fs.fallocate(fh, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, off, len);
            if (off < bytes.length) {
                Arrays.fill(bytes, (int) off, (int) Math.min(bytes.length, off + len), (byte) 0);
            }
        }

        void grow(long size) {
            if (size > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) size);
            }
        }

        void check(NvmFs on, String what) throws FsException {
            assertEquals(bytes.length, on.getattr(ino).size(), what + ": size");
            byte[] got = new byte[bytes.length];
            long h = on.open(ino, O_RDONLY);
            on.read(h, 0, MemorySegment.ofArray(got), 0, got.length);
            on.release(h);
            assertArrayEquals(bytes, got, what + ": bytes");
        }
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void generatedCopiesMatchTheModel() throws Exception {
        Random r = new Random(20261201);
        Model a = new Model("a");
        Model b = new Model("b");
        for (int round = 0; round < 200; round++) {
            Model src = r.nextBoolean() ? a : b;
            Model dst = src == a ? b : a;
            switch (r.nextInt(4)) {
                case 0 -> src.write(r.nextInt(3 << 20), random(r, 1 + r.nextInt(200_000)));
                case 1 -> src.punch(r.nextInt(3 << 20), 1 + r.nextInt(300_000));
                default -> {
                    long offIn = r.nextInt(Math.max(1, src.bytes.length + 10_000));
                    long offOut = r.nextInt(4 << 20);
                    long len = r.nextInt(1 << 20);
                    long copied = fs.copyRange(src.fh, offIn, dst.fh, offOut, len);
                    long want = Math.max(0, Math.min(len, src.bytes.length - offIn));
                    assertEquals(want, copied, "round " + round + ": bytes copied");
                    if (copied > 0) {
                        dst.grow(offOut + copied);
                        System.arraycopy(src.bytes, (int) offIn, dst.bytes, (int) offOut, (int) copied);
                    }
                }
            }
            a.check(fs, "round " + round + " a");
            b.check(fs, "round " + round + " b");
        }
        fs.fsync(a.fh, false);
        fs.fsync(b.fh, false);
        NvmFs after = t.crashAndAttach();
        fs = after;
        a.check(after, "after a crash, a");
        b.check(after, "after a crash, b");
    }

    @Test
    void withinOneFileRangesMustNotOverlap() throws Exception {
        Random r = new Random(7);
        Model f = new Model("f");
        f.write(0, random(r, 300_000));
        assertEquals(100_000, fs.copyRange(f.fh, 0, f.fh, 500_000, 100_000));
        f.grow(600_000);
        System.arraycopy(f.bytes, 0, f.bytes, 500_000, 100_000);
        assertEquals(50_000, fs.copyRange(f.fh, 200_000, f.fh, 10, 50_000));
        System.arraycopy(f.bytes, 200_000, f.bytes, 10, 50_000);
        f.check(fs, "one file");
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> fs.copyRange(f.fh, 0, f.fh, 4096, 8192)).errno());
    }

    @Test
    void theErrorsAreTheVfsOnes() throws Exception {
        Model f = new Model("f");
        f.write(0, new byte[] {1, 2, 3});
        long ro = fs.open(f.ino, O_RDONLY);
        long wo = fs.open(f.ino, O_WRONLY);
        Model g = new Model("g");
        assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> fs.copyRange(wo, 0, g.fh, 0, 3)).errno());
        assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> fs.copyRange(g.fh, 0, ro, 0, 3)).errno());
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> fs.copyRange(f.fh, -1, g.fh, 0, 3)).errno());
        assertEquals(0, fs.copyRange(f.fh, 3, g.fh, 0, 100), "nothing at the source's end");
        assertEquals(0, fs.getattr(g.ino).size(), "and the destination is unchanged");
        fs.release(ro);
        fs.release(wo);
    }
}
