package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names and symlink targets are bytes, stored and returned as given: invalid UTF-8 stays distinct and exact. */
class ByteNamesTest {
    private static final byte[] Z_E9 = {'z', (byte) 0xe9};
    private static final byte[] Z_E8 = {'z', (byte) 0xe8};

    @Test
    void namesThatAreNotUtf8AreDistinctFilesAndReadBackExactly() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 16L << 20);
            long root = t.fs.root();
            long a = t.fs.create(root, Z_E9, 0644, Handle.O_RDWR | Handle.O_CREAT | Handle.O_EXCL, Caller.ROOT).stat().ino();
            long b = t.fs.create(root, Z_E8, 0644, Handle.O_RDWR | Handle.O_CREAT | Handle.O_EXCL, Caller.ROOT).stat().ino();
            assertNotEquals(a, b);
            assertEquals(a, t.fs.lookup(root, Z_E9));
            assertEquals(b, t.fs.lookup(root, Z_E8));
            t.remount();
            List<byte[]> names = new ArrayList<>();
            for (DirEntry e : t.fs.readdir(t.fs.root(), 2, 100)) {
                names.add(e.nameBytes());
            }
            assertEquals(2, names.size());
            assertArrayEquals(Z_E9, names.get(0).length == 2 && names.get(0)[1] == (byte) 0xe9 ? names.get(0) : names.get(1));
            assertArrayEquals(Z_E8, names.get(0).length == 2 && names.get(0)[1] == (byte) 0xe8 ? names.get(0) : names.get(1));
            t.fs.rename(t.fs.root(), Z_E9, t.fs.root(), new byte[] {(byte) 0xff, (byte) 0xfe}, 0);
            assertEquals(a, t.fs.lookup(t.fs.root(), new byte[] {(byte) 0xff, (byte) 0xfe}));
            t.fs.unlink(t.fs.root(), Z_E8);
            Consistency.check(t.fs);
        }
    }

    @Test
    void aSymlinkTargetThatIsNotUtf8IsReturnedAsStored() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 16L << 20);
            byte[] target = {'d', '/', (byte) 0xc3, (byte) 0x28, (byte) 0x80};
            long s = t.fs.symlink(t.fs.root(), Z_E9, target, Caller.ROOT).ino();
            t.remount();
            assertArrayEquals(target, t.fs.readlinkBytes(s));
        }
    }
}
