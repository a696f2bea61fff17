package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * chattr flags are kept across a remount and enforced as ext4 does (EPERM), for files and
 * directories: immutable refuses every change, append-only allows only growth at the end and
 * new entries, noatime stops atime updates; clearing a flag lifts its rules.
 */
class FileFlagsTest {
    private static final int RW = Handle.O_RDWR;

    private interface Call {
        void run() throws FsException;
    }

    private static void assertRefused(String what, Call c) {
        FsException e = assertThrows(FsException.class, c::run, what + " must be refused");
        assertEquals(Errno.EPERM, e.errno(), what + ": " + e.getMessage());
    }

    private static MemorySegment bytes(String s) {
        return TestFs.bytes(s);
    }

    /** Every change an immutable or append-only file refuses, by name. */
    private static Map<String, Call> changes(NvmFs fs, long dir, long ino) {
        Map<String, Call> m = new LinkedHashMap<>();
        m.put("truncate", () -> fs.truncate(ino, 1));
        m.put("chmod", () -> fs.chmod(ino, 0600));
        m.put("chown", () -> fs.chown(ino, 5, 5));
        m.put("utimens to a given time", () -> fs.utimens(ino, new long[] {5, 0}, new long[] {5, 0}));
        m.put("setxattr", () -> fs.setxattr(ino, "user.a", new byte[] {1}, 0));
        m.put("removexattr", () -> fs.removexattr(ino, "user.k"));
        m.put("open with O_TRUNC", () -> fs.open(ino, RW | Handle.O_TRUNC));
        m.put("unlink", () -> fs.unlink(dir, "f"));
        m.put("rename", () -> fs.rename(dir, "f", dir, "g", 0));
        m.put("link", () -> fs.link(ino, dir, "h"));
        m.put("punch", () -> {
            long fh = fs.open(ino, RW | Handle.O_APPEND);
            try {
                fs.fallocate(fh, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, 0, 4096);
            } finally {
                fs.release(fh);
            }
        });
        return m;
    }

    @Test
    void anImmutableFileRefusesEveryChangeUntilTheFlagIsCleared() throws Exception {
        try (TestFs t = TestFs.ofSize(64L << 20)) {
            NvmFs fs = t.fs;
            long ino = t.writeFile(fs.root(), "f", "hello".getBytes());
            fs.setxattr(ino, "user.k", new byte[] {9}, 0);
            long fh = fs.open(ino, RW); // opened before the flag: its writes are refused too
            fs.setFileFlags(ino, FileFlags.IMMUTABLE);
            assertEquals(FileFlags.IMMUTABLE, fs.fileFlags(ino));
            for (Map.Entry<String, Call> c : changes(fs, fs.root(), ino).entrySet()) {
                assertRefused(c.getKey(), c.getValue());
            }
            assertRefused("open for writing", () -> fs.open(ino, RW));
            assertRefused("open for appending", () -> fs.open(ino, RW | Handle.O_APPEND));
            assertRefused("write through an earlier handle", () -> fs.write(fh, 0, bytes("x"), 0, 1));
            assertRefused("utimens to now", () -> fs.utimens(ino, Times.NOW, Times.NOW));
            fs.release(fs.open(ino, 0)); // reading is fine
            t.remount();
            assertEquals(FileFlags.IMMUTABLE, t.fs.fileFlags(ino), "kept across a remount");
            assertRefused("unlink after a remount", () -> t.fs.unlink(t.fs.root(), "f"));
            t.fs.setFileFlags(ino, 0);
            t.fs.truncate(ino, 2);
            t.fs.unlink(t.fs.root(), "f");
        }
    }

    @Test
    void anAppendOnlyFileOnlyGrowsAtItsEnd() throws Exception {
        try (TestFs t = TestFs.ofSize(64L << 20)) {
            NvmFs fs = t.fs;
            long ino = t.writeFile(fs.root(), "f", "hello".getBytes());
            fs.setxattr(ino, "user.k", new byte[] {9}, 0);
            fs.setFileFlags(ino, FileFlags.APPEND);
            for (Map.Entry<String, Call> c : changes(fs, fs.root(), ino).entrySet()) {
                assertRefused(c.getKey(), c.getValue());
            }
            assertRefused("open for writing without O_APPEND", () -> fs.open(ino, RW));
            long fh = fs.open(ino, RW | Handle.O_APPEND);
            assertEquals(3, fs.write(fh, 0, bytes(" you"), 0, 3), "an O_APPEND write goes to the end");
            fs.utimens(ino, Times.NOW, Times.NOW); // touch needs only write access
            fs.release(fh);
            assertArrayEquals("hello yo".getBytes(), t.readFile(ino));
            fs.setFileFlags(ino, 0);
            fs.truncate(ino, 0);
        }
    }

    @Test
    void directoriesImmutableTakeNoEntryAndAppendOnlyLoseNone() throws Exception {
        try (TestFs t = TestFs.ofSize(64L << 20)) {
            NvmFs fs = t.fs;
            long d = fs.mkdir(fs.root(), "d", 0755, Caller.ROOT).ino();
            t.writeFile(d, "a", new byte[] {1});
            fs.mkdir(d, "sub", 0755, Caller.ROOT);
            fs.setFileFlags(d, FileFlags.IMMUTABLE);
            assertRefused("create", () -> fs.create(d, "b", 0644, RW | Handle.O_CREAT | Handle.O_EXCL, Caller.ROOT));
            assertRefused("mkdir", () -> fs.mkdir(d, "c", 0755, Caller.ROOT));
            assertRefused("symlink", () -> fs.symlink(d, "s", "a", Caller.ROOT));
            assertRefused("unlink", () -> fs.unlink(d, "a"));
            assertRefused("rmdir", () -> fs.rmdir(d, "sub"));
            assertRefused("rename out", () -> fs.rename(d, "a", fs.root(), "a", 0));
            assertRefused("rename in", () -> fs.rename(fs.root(), "d", d, "x", 0));
            assertRefused("tmpfile", () -> fs.tmpfile(d, 0600, RW, Caller.ROOT));
            fs.setFileFlags(d, FileFlags.APPEND);
            t.writeFile(d, "b", new byte[] {2}); // entries can be added
            fs.mkdir(d, "c", 0755, Caller.ROOT);
            assertRefused("unlink from append-only", () -> fs.unlink(d, "a"));
            assertRefused("rmdir from append-only", () -> fs.rmdir(d, "sub"));
            assertRefused("rename out of append-only", () -> fs.rename(d, "b", fs.root(), "b", 0));
            assertRefused("rename the append-only directory", () -> fs.rename(fs.root(), "d", fs.root(), "e", 0));
            fs.setFileFlags(d, 0);
            fs.unlink(d, "a");
            fs.rmdir(d, "sub");
        }
    }

    @Test
    void noatimeStopsAtimeUpdatesAndUnknownFlagsAreRefused() throws Exception {
        try (TestFs t = TestFs.ofSize(64L << 20)) {
            NvmFs fs = t.fs;
            long ino = t.writeFile(fs.root(), "f", "x".getBytes());
            fs.utimens(ino, new long[] {1000, 0}, null); // atime far in the past: relatime would update it
            fs.setFileFlags(ino, FileFlags.NOATIME | FileFlags.NODUMP);
            assertEquals(false, fs.readUpdatesAtime(ino), "noatime");
            fs.setFileFlags(ino, FileFlags.NODUMP);
            assertEquals(true, fs.readUpdatesAtime(ino), "without noatime");
            assertEquals(FileFlags.XFLAG_NODUMP, fs.fileXflags(ino));
            FsException e = assertThrows(FsException.class, () -> fs.setFileFlags(ino, 0x00080000)); // FS_EXTENT_FL
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            e = assertThrows(FsException.class, () -> fs.setFileXflags(ino, 0x1)); // FS_XFLAG_REALTIME
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            fs.setFileXflags(ino, FileFlags.XFLAG_APPEND);
            assertEquals(FileFlags.APPEND, fs.fileFlags(ino));
        }
    }
}
