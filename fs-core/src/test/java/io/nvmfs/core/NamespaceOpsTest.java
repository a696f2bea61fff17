package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Names: create, lookup, link, unlink, mkdir, rmdir, rename, symlinks, attributes, readdir, xattrs. */
class NamespaceOpsTest {
    private Arena arena;
    private TestFs t;
    private NvmFs fs;
    private long root;

    @BeforeEach
    void setUp() throws Exception {
        arena = Arena.ofConfined();
        t = new TestFs(arena, 64L << 20);
        fs = t.fs;
        root = fs.root();
    }

    @AfterEach
    void tearDown() throws Exception {
        t.fs.close();
        arena.close();
    }

    private static Errno errno(Executable e) {
        FsException ex = assertThrows(FsException.class, e::run);
        return ex.errno();
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void rootIsADirectoryThatIsItsOwnParent() throws Exception {
        Stat st = fs.getattr(root);
        assertTrue(Mode.isDir(st.mode()));
        assertEquals(2, st.nlink());
        assertEquals(root, fs.lookup(root, ".."));
        assertEquals(root, fs.lookup(root, "."));
    }

    @Test
    void lookupErrors() throws Exception {
        assertEquals(Errno.ENOENT, errno(() -> fs.lookup(root, "missing")));
        long f = t.writeFile(root, "file", new byte[0]);
        assertEquals(Errno.ENOTDIR, errno(() -> fs.lookup(f, "x")));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr(12345)));
    }

    @Test
    void mknodMakesEveryFileType() throws Exception {
        assertTrue(Mode.isReg(fs.mknod(root, "reg", 0644, 0, Caller.ROOT).mode()));
        assertEquals(Mode.S_IFIFO, fs.mknod(root, "fifo", Mode.S_IFIFO | 0600, 0, Caller.ROOT).mode() & Mode.S_IFMT);
        assertEquals(Mode.S_IFSOCK, fs.mknod(root, "sock", Mode.S_IFSOCK | 0600, 0, Caller.ROOT).mode() & Mode.S_IFMT);
        Stat chr = fs.mknod(root, "chr", Mode.S_IFCHR | 0600, (1L << 8) | 3, Caller.ROOT);
        assertEquals((1L << 8) | 3, chr.rdev());
        Stat blk = fs.mknod(root, "blk", Mode.S_IFBLK | 0600, (8L << 8), Caller.ROOT);
        assertEquals(Mode.S_IFBLK, blk.mode() & Mode.S_IFMT);
        assertEquals(Errno.EINVAL, errno(() -> fs.mknod(root, "dir", Mode.S_IFDIR | 0755, 0, Caller.ROOT)));
        fs = t.remount();
        assertEquals((1L << 8) | 3, fs.getattr(fs.lookup(root, "chr")).rdev());
        assertEquals(Mode.S_IFSOCK, fs.getattr(fs.lookup(root, "sock")).mode() & Mode.S_IFMT);
    }

    @Test
    void namesOf255BytesWorkAnd256AreTooLong() throws Exception {
        String max = "n".repeat(255);
        long ino = fs.mknod(root, max, 0644, 0, Caller.ROOT).ino();
        assertEquals(ino, fs.lookup(root, max));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> fs.mknod(root, "n".repeat(256), 0644, 0, Caller.ROOT)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> fs.lookup(root, "n".repeat(256))));
        String multiByte = "é".repeat(127) + "x"; // 255 bytes of UTF-8
        fs.mkdir(root, multiByte, 0755, Caller.ROOT);
        assertEquals(Errno.ENAMETOOLONG, errno(() -> fs.mkdir(root, "é".repeat(128), 0755, Caller.ROOT)));
        fs = t.remount();
        assertEquals(ino, fs.lookup(root, max));
        assertTrue(Mode.isDir(fs.getattr(fs.lookup(root, multiByte)).mode()));
    }

    @Test
    void invalidNamesAreRejected() {
        assertEquals(Errno.EINVAL, errno(() -> fs.mknod(root, "a/b", 0644, 0, Caller.ROOT)));
        assertEquals(Errno.EINVAL, errno(() -> fs.mknod(root, "", 0644, 0, Caller.ROOT)));
        assertEquals(Errno.EINVAL, errno(() -> fs.mkdir(root, "..", 0755, Caller.ROOT)));
    }

    @Test
    void createExistingIsEexist() throws Exception {
        fs.mknod(root, "a", 0644, 0, Caller.ROOT);
        assertEquals(Errno.EEXIST, errno(() -> fs.mknod(root, "a", 0644, 0, Caller.ROOT)));
        assertEquals(Errno.EEXIST, errno(() -> fs.mkdir(root, "a", 0755, Caller.ROOT)));
        assertEquals(Errno.EEXIST, errno(() -> fs.create(root, "a", 0644, Handle.O_RDWR | Handle.O_CREAT | Handle.O_EXCL, Caller.ROOT)));
        NvmFs.Created c = fs.create(root, "a", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        assertEquals(fs.lookup(root, "a"), c.stat().ino());
        fs.release(c.fh());
    }

    @Test
    void mkdirAndRmdirKeepLinkCountsRight() throws Exception {
        long d = fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        assertEquals(3, fs.getattr(root).nlink());
        assertEquals(2, fs.getattr(d).nlink());
        long sub = fs.mkdir(d, "sub", 0755, Caller.ROOT).ino();
        assertEquals(3, fs.getattr(d).nlink());
        assertEquals(d, fs.lookup(sub, ".."));
        assertEquals(Errno.ENOTEMPTY, errno(() -> fs.rmdir(root, "d")));
        t.writeFile(d, "f", new byte[0]);
        assertEquals(Errno.ENOTDIR, errno(() -> fs.rmdir(d, "f")));
        assertEquals(Errno.EISDIR, errno(() -> fs.unlink(d, "sub")));
        fs.rmdir(d, "sub");
        fs.unlink(d, "f");
        fs.rmdir(root, "d");
        assertEquals(2, fs.getattr(root).nlink());
        assertEquals(Errno.ENOENT, errno(() -> fs.rmdir(root, "d")));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr(d)));
    }

    @Test
    void hardLinksShareTheInode() throws Exception {
        long f = t.writeFile(root, "f", "data".getBytes());
        long d = fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        assertEquals(2, fs.link(f, d, "g").nlink());
        assertEquals(f, fs.lookup(d, "g"));
        assertEquals(Errno.EEXIST, errno(() -> fs.link(f, root, "f")));
        assertEquals(Errno.EPERM, errno(() -> fs.link(d, root, "dirlink")));
        fs.unlink(root, "f");
        assertEquals(1, fs.getattr(f).nlink());
        assertArrayEquals("data".getBytes(), t.readFile(fs.lookup(d, "g")));
        fs = t.remount();
        assertEquals(1, fs.getattr(f).nlink());
    }

    @Test
    void linkCountIsCappedWithEmlink() throws Exception {
        long f = t.writeFile(root, "f", new byte[0]);
        long d = fs.mkdir(root, "links", 0755, Caller.ROOT).ino();
        for (int i = 1; i < NvmFs.MAX_LINKS; i++) {
            fs.link(f, d, "l" + i);
        }
        assertEquals(NvmFs.MAX_LINKS, fs.getattr(f).nlink());
        assertEquals(Errno.EMLINK, errno(() -> fs.link(f, d, "one-too-many")));
    }

    @Test
    void opendirReaddirReleasedir() throws Exception {
        fs.mknod(root, "x", 0644, 0, Caller.ROOT);
        long fh = fs.opendir(root);
        assertEquals(List.of(".", "..", "x"), fs.readdirHandle(fh, 0, 10).stream().map(DirEntry::name).toList());
        fs.releasedir(fh);
        assertEquals(Errno.EBADF, errno(() -> fs.readdirHandle(fh, 0, 10)));
        long f = fs.lookup(root, "x");
        assertEquals(Errno.ENOTDIR, errno(() -> fs.opendir(f)));
    }

    @Test
    void symlinksStoreTheirTarget() throws Exception {
        Stat s = fs.symlink(root, "l", "../some/where", Caller.ROOT);
        assertTrue(Mode.isLink(s.mode()));
        assertEquals(13, s.size());
        assertEquals("../some/where", fs.readlink(s.ino()));
        String longTarget = "x".repeat(4095);
        long l2 = fs.symlink(root, "l2", longTarget, Caller.ROOT).ino();
        assertEquals(Errno.ENAMETOOLONG, errno(() -> fs.symlink(root, "l3", "x".repeat(4096), Caller.ROOT)));
        long f = t.writeFile(root, "f", new byte[0]);
        assertEquals(Errno.EINVAL, errno(() -> fs.readlink(f)));
        fs = t.remount();
        assertEquals(longTarget, fs.readlink(l2));
    }

    @Test
    void renameOverAFileReplacesItAtomically() throws Exception {
        long a = t.writeFile(root, "a", "A".getBytes());
        long b = t.writeFile(root, "b", "B".getBytes());
        long freeBefore = fs.statfs().blocksFree();
        fs.rename(root, "a", root, "b", 0);
        assertEquals(a, fs.lookup(root, "b"));
        assertEquals(Errno.ENOENT, errno(() -> fs.lookup(root, "a")));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr(b)));
        assertTrue(fs.statfs().blocksFree() > freeBefore, "the replaced file's pages were freed");
        assertArrayEquals("A".getBytes(), t.readFile(fs.lookup(root, "b")));
    }

    @Test
    void renameDirectoryRules() throws Exception {
        long d1 = fs.mkdir(root, "d1", 0755, Caller.ROOT).ino();
        long d2 = fs.mkdir(root, "d2", 0755, Caller.ROOT).ino();
        long sub = fs.mkdir(d1, "sub", 0755, Caller.ROOT).ino();
        t.writeFile(root, "f", new byte[0]);
        assertEquals(Errno.EINVAL, errno(() -> fs.rename(root, "d1", sub, "x", 0)));
        assertEquals(Errno.EINVAL, errno(() -> fs.rename(root, "d1", d1, "x", 0)));
        assertEquals(Errno.ENOTDIR, errno(() -> fs.rename(root, "d1", root, "f", 0)));
        assertEquals(Errno.EISDIR, errno(() -> fs.rename(root, "f", root, "d2", 0)));
        fs.mkdir(d2, "full", 0755, Caller.ROOT);
        assertEquals(Errno.ENOTEMPTY, errno(() -> fs.rename(root, "d1", root, "d2", 0)));
        fs.rmdir(d2, "full");
        // Over an empty directory: d2 disappears, d1 takes its name.
        fs.rename(root, "d1", root, "d2", 0);
        assertEquals(d1, fs.lookup(root, "d2"));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr(d2)));
        assertEquals(3, fs.getattr(root).nlink());
        // Move across parents: '..' follows, link counts move.
        long e = fs.mkdir(root, "e", 0755, Caller.ROOT).ino();
        fs.rename(d1, "sub", e, "moved", 0);
        assertEquals(e, fs.lookup(sub, ".."));
        assertEquals(2, fs.getattr(d1).nlink());
        assertEquals(3, fs.getattr(e).nlink());
        fs = t.remount();
        assertEquals(e, fs.lookup(fs.lookup(fs.lookup(root, "e"), "moved"), ".."));
    }

    @Test
    void renameNoreplaceAndExchange() throws Exception {
        long a = t.writeFile(root, "a", "A".getBytes());
        long d = fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        assertEquals(Errno.EEXIST, errno(() -> fs.rename(root, "a", root, "d", NvmFs.RENAME_NOREPLACE)));
        fs.rename(root, "a", root, "b", NvmFs.RENAME_NOREPLACE);
        assertEquals(Errno.ENOENT, errno(() -> fs.rename(root, "b", root, "zz", NvmFs.RENAME_EXCHANGE)));
        long other = fs.mkdir(root, "other", 0755, Caller.ROOT).ino();
        fs.rename(root, "b", other, "x", 0);
        fs.rename(root, "d", other, "x", NvmFs.RENAME_EXCHANGE);
        assertEquals(d, fs.lookup(other, "x"));
        assertEquals(a, fs.lookup(root, "d"));
        assertEquals(other, fs.lookup(d, ".."));
        assertEquals(3, fs.getattr(other).nlink());
        assertEquals(Errno.EINVAL, errno(() -> fs.rename(root, "d", root, "q", 3)));
    }

    @Test
    void renameOfOneInodesTwoNamesDoesNothing() throws Exception {
        long f = t.writeFile(root, "f", new byte[0]);
        fs.link(f, root, "g");
        fs.rename(root, "f", root, "g", 0);
        assertEquals(f, fs.lookup(root, "f"));
        assertEquals(f, fs.lookup(root, "g"));
    }

    @Test
    void attributesChmodChownUtimensWithNanoseconds() throws Exception {
        long f = t.writeFile(root, "f", new byte[0]);
        Stat before = fs.getattr(f);
        Stat s = fs.chmod(f, 04711);
        assertEquals(Mode.S_IFREG | 04711, s.mode());
        assertTrue(s.ctimeSec() > before.ctimeSec() || s.ctimeNsec() > before.ctimeNsec());
        s = fs.chown(f, 1000, -1);
        assertEquals(1000, s.uid());
        assertEquals(0, s.gid());
        assertEquals(0711, s.mode() & Mode.PERMS, "chown takes set-user-ID, even root's (Linux)");
        s = fs.utimens(f, new long[] {123, 456_789_012}, null);
        assertEquals(123, s.atimeSec());
        assertEquals(456_789_012, s.atimeNsec());
        assertEquals(before.mtimeSec(), s.mtimeSec());
        assertEquals(before.mtimeNsec(), s.mtimeNsec());
        s = fs.utimens(f, null, Times.NOW);
        assertEquals(123, s.atimeSec());
        assertTrue(s.mtimeSec() >= before.mtimeSec());
        fs = t.remount();
        Stat again = fs.getattr(f);
        assertEquals(456_789_012, again.atimeNsec());
        assertEquals(s.mtimeNsec(), again.mtimeNsec());
        assertEquals(0711, again.mode() & Mode.PERMS);
    }

    @Test
    void newFilesBelongToTheCallerAndSetgidDirectoriesPassTheirGroup() throws Exception {
        Caller alice = new Caller(1000, 1000);
        Stat f = fs.mknod(root, "f", 0644, 0, alice);
        assertEquals(1000, f.uid());
        assertEquals(1000, f.gid());
        long shared = fs.mkdir(root, "shared", 02775, Caller.ROOT).ino();
        fs.chown(shared, 0, 50);
        Stat g = fs.mknod(shared, "g", 0644, 0, alice);
        assertEquals(50, g.gid());
        Stat sub = fs.mkdir(shared, "sub", 0755, alice);
        assertEquals(50, sub.gid());
        assertTrue((sub.mode() & Mode.S_ISGID) != 0, "setgid propagates to subdirectories");
    }

    @Test
    void accessChecksModeBits() throws Exception {
        long f = t.writeFile(root, "f", new byte[0]);
        fs.chmod(f, 0640);
        fs.chown(f, 1000, 100);
        fs.access(f, 6, new Caller(1000, 1));
        fs.access(f, 4, new Caller(2000, 100));
        assertEquals(Errno.EACCES, errno(() -> fs.access(f, 2, new Caller(2000, 100))));
        assertEquals(Errno.EACCES, errno(() -> fs.access(f, 4, new Caller(2000, 200))));
        fs.access(f, 0, new Caller(2000, 200));
        fs.access(f, 6, Caller.ROOT);
        assertEquals(Errno.EACCES, errno(() -> fs.access(f, 1, Caller.ROOT)));
    }

    @Test
    void readdirListsEverythingOnceWithStableCookies() throws Exception {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            fs.mknod(root, "file-" + i, 0644, 0, Caller.ROOT);
            names.add("file-" + i);
        }
        List<DirEntry> first = fs.readdir(root, 0, 50);
        assertEquals(".", first.get(0).name());
        assertEquals("..", first.get(1).name());
        Set<String> seen = new HashSet<>();
        for (DirEntry e : first.subList(2, first.size())) {
            seen.add(e.name());
        }
        // Change the directory between calls: removed names may vanish, kept ones must come exactly once.
        Set<String> removed = new HashSet<>();
        for (int i = 0; i < 300; i += 7) {
            if (!seen.contains("file-" + i)) {
                fs.unlink(root, "file-" + i);
                removed.add("file-" + i);
            }
        }
        for (int i = 0; i < 40; i++) {
            fs.mknod(root, "late-" + i, 0644, 0, Caller.ROOT);
        }
        long cookie = first.get(first.size() - 1).nextCookie();
        List<String> rest = new ArrayList<>();
        while (true) {
            List<DirEntry> page = fs.readdir(root, cookie, 37);
            if (page.isEmpty()) {
                break;
            }
            for (DirEntry e : page) {
                rest.add(e.name());
            }
            cookie = page.get(page.size() - 1).nextCookie();
        }
        for (String n : rest) {
            assertTrue(seen.add(n), "'" + n + "' returned twice");
        }
        for (String n : names) {
            if (!removed.contains(n)) {
                assertTrue(seen.contains(n), "'" + n + "' never returned");
            }
        }
        for (String n : removed) {
            assertTrue(!seen.contains(n) || first.stream().anyMatch(e -> e.name().equals(n)));
        }
    }

    @Test
    void xattrsSetGetListRemoveWithFlagsAndSizing() throws Exception {
        long f = t.writeFile(root, "f", new byte[0]);
        byte[] v = "value".getBytes(StandardCharsets.UTF_8);
        fs.setxattr(f, "user.a", v, 0);
        fs.setxattr(f, "trusted.b", new byte[0], XattrCalls.XATTR_CREATE);
        fs.setxattr(f, "security.c", new byte[100], 0);
        assertArrayEquals(v, fs.getxattr(f, "user.a"));
        assertEquals(Errno.EEXIST, errno(() -> fs.setxattr(f, "user.a", v, XattrCalls.XATTR_CREATE)));
        assertEquals(Errno.ENODATA, errno(() -> fs.setxattr(f, "user.none", v, XattrCalls.XATTR_REPLACE)));
        fs.setxattr(f, "user.a", "other".getBytes(), XattrCalls.XATTR_REPLACE);
        assertEquals(List.of("user.a", "trusted.b", "security.c"), fs.listxattr(f));
        assertEquals(Errno.ERANGE, errno(() -> fs.getxattr(f, "user.a", 3)));
        assertEquals(5, fs.getxattr(f, "user.a", 0).length);
        assertEquals(Errno.ERANGE, errno(() -> fs.listxattr(f, 4)));
        assertEquals("user.a\0trusted.b\0security.c\0", new String(fs.listxattr(f, 0)));
        assertEquals(Errno.ENODATA, errno(() -> fs.getxattr(f, "user.none")));
        assertEquals(null, fs.getxattrOrNull(f, "security.capability"));
        assertArrayEquals("other".getBytes(), fs.getxattrOrNull(f, "user.a"));
        long bare = t.writeFile(root, "bare", new byte[0]);
        assertEquals(null, fs.getxattrOrNull(bare, "security.capability"));
        assertEquals(Errno.EOPNOTSUPP, errno(() -> fs.setxattr(f, "bogus.x", v, 0)));
        assertEquals(Errno.ERANGE, errno(() -> fs.setxattr(f, "user." + "x".repeat(251), v, 0)));
        fs.setxattr(f, "user.big", new byte[5000], 0); // more than a page: a 2-page xattr block (ENOSPC before them)
        assertEquals(5000, fs.getxattr(f, "user.big").length);
        fs.removexattr(f, "user.big");
        assertEquals(Errno.E2BIG, errno(() -> fs.setxattr(f, "user.big", new byte[XattrBlockFormat.MAX_VALUE + 1], 0)));
        fs.removexattr(f, "trusted.b");
        assertEquals(Errno.ENODATA, errno(() -> fs.removexattr(f, "trusted.b")));
        long link = fs.symlink(root, "l", "f", Caller.ROOT).ino();
        assertEquals(Errno.EPERM, errno(() -> fs.setxattr(link, "user.x", v, 0)));
        fs.setxattr(link, "trusted.x", v, 0);
        fs = t.remount();
        assertArrayEquals("other".getBytes(), fs.getxattr(f, "user.a"));
        assertEquals(List.of("user.a", "security.c"), fs.listxattr(f));
        fs.removexattr(f, "user.a");
        fs.removexattr(f, "security.c");
        assertEquals(List.of(), fs.listxattr(f));
        assertEquals(0, fs.getattr(f).blocks(), "no xattr page left once all are gone");
    }

    @Test
    void statfsReportsSpaceAndNames() throws Exception {
        StatFs s = fs.statfs();
        assertEquals(4096, s.blockSize());
        assertEquals(255, s.nameMax());
        assertTrue(s.blocksFree() > 0 && s.blocksFree() <= s.blocks());
        assertTrue(s.filesFree() > 0);
        // A first small file opens the root directory's page and the data owner's first record page.
        t.writeFile(root, "warm-up", new byte[1]);
        long before = fs.statfs().blocksFree();
        t.writeFile(root, "f", new byte[1 << 20]);
        assertEquals(before - 256, fs.statfs().blocksFree(), "a 1 MiB file takes 256 pages");
        fs.unlink(root, "f");
        assertEquals(before, fs.statfs().blocksFree(), "unlink returns every page at once");
    }

    @Test
    void lookupInAHugeDirectoryAndAfterRemount() throws Exception {
        long d = fs.mkdir(root, "big", 0755, Caller.ROOT).ino();
        for (int i = 0; i < 5000; i++) {
            fs.mknod(d, "entry-with-a-longish-name-" + i, 0644, 0, Caller.ROOT);
        }
        for (int i = 0; i < 5000; i += 2) {
            fs.unlink(d, "entry-with-a-longish-name-" + i);
        }
        for (int i = 0; i < 2500; i++) {
            fs.mknod(d, "n" + i, 0644, 0, Caller.ROOT);
        }
        long size = fs.getattr(d).size();
        fs = t.remount();
        assertEquals(size, fs.getattr(d).size(), "freed records were reused: the directory did not grow");
        for (int i = 1; i < 5000; i += 2) {
            assertNotEquals(0, fs.lookup(d, "entry-with-a-longish-name-" + i));
        }
        assertEquals(Errno.ENOENT, errno(() -> fs.lookup(d, "entry-with-a-longish-name-0")));
        assertEquals(2 + 2500 + 2500, fs.readdir(d, 0, 100_000).size());
    }
}
