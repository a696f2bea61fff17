package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * Listing a directory updates its atime as reading a file does (relatime: when atime is not
 * after mtime or ctime, or is a day old), as ext4 and tmpfs do; nodiratime and noatime keep it.
 * nvmfs never updated it (fstests generic/113).
 */
class DirAtimeTest {
    private static long atime(NvmFs fs, long ino) throws FsException {
        return fs.getattr(ino).atimeSec();
    }

    private static void list(NvmFs fs, long dir) throws FsException {
        long fh = fs.opendir(dir);
        try {
            fs.readdirHandle(fh, 0, 1000);
        } finally {
            fs.releasedir(fh);
        }
    }

    private static long oldDirectory(TestFs t) throws FsException {
        long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
        t.writeFile(d, "f", new byte[] {1});
        t.fs.utimens(d, new long[] {315_532_800L, 0}, null); // atime 1980: due under relatime
        return d;
    }

    @Test
    void relatimeListingUpdatesAnOldAtimeOnce() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long d = oldDirectory(t);
            list(t.fs, d);
            long first = atime(t.fs, d);
            assertNotEquals(315_532_800L, first, "atime updated by the listing");
            t.clock[0] += 60; // a minute later, nothing changed: relatime leaves it
            list(t.fs, d);
            assertEquals(first, atime(t.fs, d));
            t.remount();
            assertEquals(first, atime(t.fs, d), "the updated atime is persisted");
        }
    }

    @Test
    void nodiratimeAndNoatimeKeepIt() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long d = oldDirectory(t);
            t.fs.close();
            for (FsOptions o : new FsOptions[] {t.options().withDirAtime(false), t.options().withAtime(FsOptions.Atime.NOATIME)}) {
                NvmFs fs = NvmFs.attach(t.media, o);
                list(fs, d);
                assertEquals(315_532_800L, atime(fs, d));
                fs.close();
            }
        }
    }
}
