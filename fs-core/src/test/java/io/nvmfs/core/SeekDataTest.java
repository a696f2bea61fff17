package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * lseek's SEEK_DATA and SEEK_HOLE ({@link NvmFs#seekData}) on generated sparse files: random
 * writes, punches, truncates and fallocates, then the answers from random offsets checked against
 * what the file reads as. Data may be reported where zeros are (an allocated page, as POSIX
 * allows), never a hole where a written byte is.
 */
class SeekDataTest {
    private static final int PAGE = 4096;
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

    private long seek(long ino, long off, boolean hole) throws FsException {
        return fs.seekData(ino, off, hole);
    }

    @Test
    void exactAnswersOnASimpleSparseFile() throws Exception {
        NvmFs.Created c = fs.create(fs.root(), "s", 0644, Handle.O_RDWR, Caller.ROOT);
        long ino = c.stat().ino();
        fs.write(c.fh(), 256L * PAGE, MemorySegment.ofArray(new byte[PAGE]), 0, PAGE);
        fs.truncate(ino, 1024L * PAGE);
        assertEquals(256L * PAGE, seek(ino, 0, false));
        assertEquals(0, seek(ino, 0, true));
        assertEquals(256L * PAGE + 10, seek(ino, 256L * PAGE + 10, false));
        long hole = seek(ino, 256L * PAGE, true);
        assertTrue(hole >= 257L * PAGE && hole % PAGE == 0 && hole < 1024L * PAGE, "hole after the data: " + hole);
        assertEquals(Errno.ENXIO, assertThrows(FsException.class, () -> seek(ino, 1024L * PAGE, false)).errno());
        assertEquals(Errno.ENXIO, assertThrows(FsException.class, () -> seek(ino, 1024L * PAGE, true)).errno());
        assertEquals(Errno.ENXIO, assertThrows(FsException.class, () -> seek(ino, -1, true)).errno());
        assertEquals(Errno.ENXIO, assertThrows(FsException.class, () -> seek(ino, 600L * PAGE, false)).errno(),
                "no data after the last extent");
        assertEquals(1024L * PAGE - 1, seek(ino, 1024L * PAGE - 1, true), "EOF counts as a hole");
        fs.release(c.fh());
        assertEquals(Errno.EISDIR, assertThrows(FsException.class, () -> seek(fs.root(), 0, false)).errno());
    }

    @Test
    void generatedSparseFilesNeverHideWrittenBytes() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            NvmFs.Created c = fs.create(fs.root(), "g" + seed, 0644, Handle.O_RDWR, Caller.ROOT);
            long ino = c.stat().ino();
            int maxPages = 64 + r.nextInt(512);
            for (int op = 0; op < 20; op++) {
                long off = (long) r.nextInt(maxPages) * PAGE + (r.nextBoolean() ? r.nextInt(PAGE) : 0);
                int len = 1 + r.nextInt(r.nextBoolean() ? 100 : 8 * PAGE);
                switch (r.nextInt(6)) {
                    case 0, 1, 2 -> {
                        byte[] b = new byte[len];
                        for (int i = 0; i < len; i++) {
                            b[i] = (byte) (1 + r.nextInt(255));
                        }
                        fs.write(c.fh(), off, MemorySegment.ofArray(b), 0, len);
                    }
                    case 3 -> fs.fallocate(c.fh(), Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, off, len);
                    case 4 -> fs.truncate(ino, off);
                    default -> fs.fallocate(c.fh(), r.nextBoolean() ? 0 : Fallocate.KEEP_SIZE, off, len);
                }
            }
            check(ino, c.fh(), r, "seed " + seed);
            fs.release(c.fh());
        }
    }

    private void check(long ino, long fh, Random r, String what) throws Exception {
        long size = fs.getattr(ino).size();
        byte[] content = new byte[(int) size];
        if (size > 0) {
            fs.read(fh, 0, MemorySegment.ofArray(content), 0, (int) size);
        }
        // nextWritten[p]: the first nonzero byte at or after p, or -1
        int[] nextWritten = new int[(int) size + 1];
        nextWritten[(int) size] = -1;
        for (int p = (int) size - 1; p >= 0; p--) {
            nextWritten[p] = content[p] != 0 ? p : nextWritten[p + 1];
        }
        for (int probe = 0; probe < 60; probe++) {
            long off = size == 0 ? 0 : (long) (r.nextDouble() * (size + PAGE));
            int firstWritten = off < size ? nextWritten[(int) off] : -1;
            if (off >= size) {
                assertEquals(Errno.ENXIO, assertThrows(FsException.class, () -> seek(ino, off, false)).errno(), what);
                assertEquals(Errno.ENXIO, assertThrows(FsException.class, () -> seek(ino, off, true)).errno(), what);
                continue;
            }
            long data;
            try {
                data = seek(ino, off, false);
            } catch (FsException e) {
                assertEquals(Errno.ENXIO, e.errno(), what);
                assertEquals(-1, firstWritten, what + ": no data after " + off + ", yet byte " + firstWritten + " is written");
                continue;
            }
            assertTrue(data >= off && data < size, what + ": data from " + off + " at " + data + " (size " + size + ")");
            assertTrue(data == off || data % PAGE == 0, what + ": data starts on a page: " + data);
            assertTrue(firstWritten < 0 || data <= firstWritten, what + ": data from " + off + " skips byte " + firstWritten);
            long hole = seek(ino, off, true);
            assertTrue(hole >= off && hole <= size, what + ": hole from " + off + " at " + hole);
            assertTrue(hole == size || hole == off || hole % PAGE == 0, what + ": a hole starts on a page: " + hole);
            if (hole < size) {
                long nextData;
                try {
                    nextData = seek(ino, hole, false);
                } catch (FsException e) {
                    nextData = size;
                }
                assertTrue(nextData > hole, what + ": the hole at " + hole + " is not data");
                int w = nextWritten[(int) hole];
                assertTrue(w < 0 || w >= nextData, what + ": byte " + w + " in the hole [" + hole + ", " + nextData + ") is written");
            }
            if (data == off) {
                assertTrue(hole > off, what + ": " + off + " is data, so the hole from it starts later");
            }
        }
    }
}
