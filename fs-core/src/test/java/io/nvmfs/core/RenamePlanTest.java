package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each shape of rename {@link RenamePlan} plans, on a real in-memory filesystem: what the tree,
 * the link counts, '..' and the times are after it (and after a remount: one transaction made it
 * durable), and that a refused rename changes nothing.
 */
class RenamePlanTest {
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

    interface Call {
        void run() throws Exception;
    }

    /** {@code rename} fails with {@code want}, and the whole visible tree is as it was. */
    private void refused(Errno want, Call rename) throws Exception {
        TreeMap<String, String> before = Consistency.snapshot(fs);
        FsException e = assertThrows(FsException.class, rename::run);
        assertEquals(want, e.errno(), e.getMessage());
        assertEquals(before, Consistency.snapshot(fs), "a refused rename changes nothing");
        Consistency.check(fs);
    }

    /** Remounts, checks the structure, and returns the tree. */
    private TreeMap<String, String> afterRemount() throws Exception {
        fs = t.remount();
        Consistency.check(fs);
        return Consistency.snapshot(fs);
    }

    private long mkdir(long parent, String name) throws FsException {
        return fs.mkdir(parent, name, 0755, Caller.ROOT).ino();
    }

    private int nlink(long ino) throws FsException {
        return fs.getattr(ino).nlink();
    }

    private static long ctime(Stat s) {
        return s.ctimeSec() * 1_000_000_000L + s.ctimeNsec();
    }

    private static long mtime(Stat s) {
        return s.mtimeSec() * 1_000_000_000L + s.mtimeNsec();
    }

    private Errno errnoOf(Call c) {
        return assertThrows(FsException.class, c::run).errno();
    }

    @Test
    void aFileOverAFileTakesItsNameAndFreesTheReplacedFile() throws Exception {
        long a = t.writeFile(root, "a", "new".getBytes());
        long b = t.writeFile(root, "b", new byte[40_000]);
        Stat aBefore = fs.getattr(a);
        Stat rootBefore = fs.getattr(root);
        long free = fs.statfs().blocksFree();
        fs.rename(root, "a", root, "b", 0);
        assertEquals(a, fs.lookup(root, "b"));
        assertEquals(Errno.ENOENT, errnoOf(() -> fs.lookup(root, "a")));
        assertEquals(Errno.ENOENT, errnoOf(() -> fs.getattr(b)), "the replaced inode is gone");
        assertTrue(fs.statfs().blocksFree() > free, "and its pages are free");
        assertEquals(1, nlink(a));
        assertEquals(2, nlink(root), "no directory came or went");
        assertTrue(ctime(fs.getattr(a)) > ctime(aBefore), "the moved inode's ctime");
        assertTrue(mtime(fs.getattr(root)) > mtime(rootBefore), "the directory's mtime");
        assertTrue(ctime(fs.getattr(root)) > ctime(rootBefore), "the directory's ctime");
        Consistency.check(fs);
        afterRemount();
        assertEquals(a, fs.lookup(root, "b"));
        assertArrayEquals("new".getBytes(), t.readFile(a));
        assertEquals(Errno.ENOENT, errnoOf(() -> fs.lookup(root, "a")));
    }

    @Test
    void aReplacedFileWithAnotherNameLosesOneLinkAndKeepsItsData() throws Exception {
        long a = t.writeFile(root, "a", "A".getBytes());
        long b = t.writeFile(root, "b", "B".getBytes());
        long d = mkdir(root, "d");
        fs.link(b, d, "b2");
        Stat bBefore = fs.getattr(b);
        fs.rename(root, "a", root, "b", 0);
        assertEquals(a, fs.lookup(root, "b"));
        assertEquals(1, nlink(b));
        assertTrue(ctime(fs.getattr(b)) > ctime(bBefore), "losing a link changes the replaced inode's ctime");
        afterRemount();
        assertEquals(b, fs.lookup(d, "b2"));
        assertEquals(1, nlink(b));
        assertArrayEquals("B".getBytes(), t.readFile(b));
    }

    @Test
    void aFileMovedToAnotherDirectoryTouchesBothAndNoLinkCountChanges() throws Exception {
        long from = mkdir(root, "from");
        long to = mkdir(root, "to");
        long f = t.writeFile(from, "f", "x".getBytes());
        Stat fromBefore = fs.getattr(from);
        Stat toBefore = fs.getattr(to);
        fs.rename(from, "f", to, "g", 0);
        assertEquals(f, fs.lookup(to, "g"));
        assertEquals(Errno.ENOENT, errnoOf(() -> fs.lookup(from, "f")));
        assertEquals(2, nlink(from));
        assertEquals(2, nlink(to));
        assertEquals(4, nlink(root));
        assertTrue(mtime(fs.getattr(from)) > mtime(fromBefore));
        assertTrue(mtime(fs.getattr(to)) > mtime(toBefore));
        afterRemount();
        assertEquals(f, fs.lookup(to, "g"));
    }

    @Test
    void aDirectoryOverAnEmptyDirectoryInTheSameParentRemovesIt() throws Exception {
        long d1 = mkdir(root, "d1");
        long d2 = mkdir(root, "d2");
        t.writeFile(d1, "inside", "i".getBytes());
        assertEquals(4, nlink(root));
        fs.rename(root, "d1", root, "d2", 0);
        assertEquals(d1, fs.lookup(root, "d2"));
        assertEquals(Errno.ENOENT, errnoOf(() -> fs.getattr(d2)));
        assertEquals(3, nlink(root), "one subdirectory fewer");
        assertEquals(root, fs.lookup(d1, ".."));
        Consistency.check(fs);
        afterRemount();
        assertEquals(d1, fs.lookup(root, "d2"));
        assertEquals(3, nlink(root));
    }

    @Test
    void aDirectoryOverAnEmptyDirectoryElsewhereMovesItsParentAndLinkCounts() throws Exception {
        long p = mkdir(root, "p");
        long q = mkdir(root, "q");
        long d = mkdir(p, "d");
        long sub = mkdir(d, "sub");
        long target = mkdir(q, "target");
        fs.rename(p, "d", q, "target", 0);
        assertEquals(d, fs.lookup(q, "target"));
        assertEquals(Errno.ENOENT, errnoOf(() -> fs.getattr(target)));
        assertEquals(q, fs.lookup(d, ".."), "'..' follows the move");
        assertEquals(d, fs.lookup(sub, ".."));
        assertEquals(2, nlink(p), "p lost its subdirectory");
        assertEquals(3, nlink(q), "q lost one and gained one");
        assertEquals(3, nlink(d));
        afterRemount();
        assertEquals(q, fs.lookup(fs.lookup(q, "target"), ".."));
        assertEquals(2, nlink(p));
        assertEquals(3, nlink(q));
    }

    @Test
    void aDirectoryOverANonEmptyDirectoryIsENOTEMPTY() throws Exception {
        mkdir(root, "d1");
        long d2 = mkdir(root, "d2");
        t.writeFile(d2, "keep", "k".getBytes());
        refused(Errno.ENOTEMPTY, () -> fs.rename(root, "d1", root, "d2", 0));
        long q = mkdir(root, "q");
        mkdir(mkdir(q, "full"), "child"); // a directory holding only a directory is not empty either
        refused(Errno.ENOTEMPTY, () -> fs.rename(root, "d1", q, "full", 0));
    }

    @Test
    void aDirectoryIntoItselfOrBelowItIsEINVAL() throws Exception {
        long d = mkdir(root, "d");
        long child = mkdir(d, "child");
        long grandchild = mkdir(child, "grandchild");
        refused(Errno.EINVAL, () -> fs.rename(root, "d", d, "x", 0));
        refused(Errno.EINVAL, () -> fs.rename(root, "d", child, "x", 0));
        refused(Errno.EINVAL, () -> fs.rename(root, "d", grandchild, "x", 0));
        mkdir(grandchild, "empty");
        refused(Errno.EINVAL, () -> fs.rename(root, "d", grandchild, "empty", 0));
        refused(Errno.EINVAL, () -> fs.rename(d, "child", grandchild, "x", 0));
        // Sideways and upwards are fine.
        fs.rename(child, "grandchild", root, "up", 0);
        assertEquals(root, fs.lookup(grandchild, ".."));
        Consistency.check(fs);
    }

    @Test
    void aDirectoryOverAFileIsENOTDIRAndAFileOverADirectoryEISDIR() throws Exception {
        mkdir(root, "d");
        mkdir(root, "empty");
        t.writeFile(root, "f", new byte[0]);
        refused(Errno.ENOTDIR, () -> fs.rename(root, "d", root, "f", 0));
        refused(Errno.EISDIR, () -> fs.rename(root, "f", root, "empty", 0));
    }

    @Test
    void noreplaceRefusesAnExistingTargetOfAnyTypeAndMovesOtherwise() throws Exception {
        long a = t.writeFile(root, "a", "A".getBytes());
        t.writeFile(root, "file", new byte[0]);
        mkdir(root, "emptydir");
        fs.symlink(root, "link", "nowhere", Caller.ROOT);
        for (String existing : new String[] {"file", "emptydir", "link"}) {
            refused(Errno.EEXIST, () -> fs.rename(root, "a", root, existing, NvmFs.RENAME_NOREPLACE));
        }
        fs.rename(root, "a", root, "fresh", NvmFs.RENAME_NOREPLACE);
        assertEquals(a, fs.lookup(root, "fresh"));
    }

    @Test
    void noreplaceRefusesATargetThatIsAnotherNameOfTheSameFile() throws Exception {
        // renameat2(2): "Return an error if newpath already exists" (Linux checks this before
        // the rule that two names of one file make rename do nothing).
        long f = t.writeFile(root, "f", new byte[0]);
        fs.link(f, root, "g");
        refused(Errno.EEXIST, () -> fs.rename(root, "f", root, "g", NvmFs.RENAME_NOREPLACE));
        assertEquals(2, nlink(f));
    }

    @Test
    void renamingOneOfTwoNamesOfAFileOntoTheOtherDoesNothing() throws Exception {
        long f = t.writeFile(root, "f", "f".getBytes());
        long d = mkdir(root, "d");
        fs.link(f, d, "g");
        TreeMap<String, String> before = Consistency.snapshot(fs);
        fs.rename(root, "f", d, "g", 0);
        fs.rename(root, "f", d, "g", NvmFs.RENAME_EXCHANGE);
        fs.rename(root, "f", root, "f", 0);
        assertEquals(before, Consistency.snapshot(fs));
        assertEquals(f, fs.lookup(root, "f"));
        assertEquals(f, fs.lookup(d, "g"));
        assertEquals(2, nlink(f));
    }

    @Test
    void exchangeSwapsTwoFilesInOneDirectory() throws Exception {
        long a = t.writeFile(root, "a", "A".getBytes());
        long b = t.writeFile(root, "b", "B".getBytes());
        Stat aBefore = fs.getattr(a);
        Stat bBefore = fs.getattr(b);
        fs.rename(root, "a", root, "b", NvmFs.RENAME_EXCHANGE);
        assertEquals(b, fs.lookup(root, "a"));
        assertEquals(a, fs.lookup(root, "b"));
        assertEquals(1, nlink(a));
        assertEquals(1, nlink(b));
        assertTrue(ctime(fs.getattr(a)) > ctime(aBefore), "both inodes' ctime");
        assertTrue(ctime(fs.getattr(b)) > ctime(bBefore));
        afterRemount();
        assertArrayEquals("A".getBytes(), t.readFile(fs.lookup(root, "b")));
        assertArrayEquals("B".getBytes(), t.readFile(fs.lookup(root, "a")));
    }

    @Test
    void exchangeOfAFileAndADirectoryAcrossParentsMovesTheDirectorysLink() throws Exception {
        long p = mkdir(root, "p");
        long q = mkdir(root, "q");
        long f = t.writeFile(p, "f", "F".getBytes());
        long d = mkdir(q, "d");
        Stat pBefore = fs.getattr(p);
        Stat qBefore = fs.getattr(q);
        fs.rename(p, "f", q, "d", NvmFs.RENAME_EXCHANGE);
        assertEquals(d, fs.lookup(p, "f"));
        assertEquals(f, fs.lookup(q, "d"));
        assertEquals(p, fs.lookup(d, ".."), "the directory's '..' follows it");
        assertEquals(3, nlink(p), "p gained the directory");
        assertEquals(2, nlink(q), "q lost it");
        assertTrue(mtime(fs.getattr(p)) > mtime(pBefore));
        assertTrue(mtime(fs.getattr(q)) > mtime(qBefore));
        Consistency.check(fs);
        afterRemount();
        assertEquals(p, fs.lookup(fs.lookup(p, "f"), ".."));
        assertEquals(3, nlink(p));
        assertEquals(2, nlink(q));
    }

    @Test
    void exchangeOfTwoNonEmptyDirectoriesAcrossParentsSwapsTheirParents() throws Exception {
        long p = mkdir(root, "p");
        long q = mkdir(root, "q");
        long d1 = mkdir(p, "d1");
        long d2 = mkdir(q, "d2");
        t.writeFile(d1, "one", "1".getBytes());
        t.writeFile(d2, "two", "2".getBytes());
        fs.rename(p, "d1", q, "d2", NvmFs.RENAME_EXCHANGE);
        assertEquals(d2, fs.lookup(p, "d1"));
        assertEquals(d1, fs.lookup(q, "d2"));
        assertEquals(p, fs.lookup(d2, ".."));
        assertEquals(q, fs.lookup(d1, ".."));
        assertEquals(3, nlink(p));
        assertEquals(3, nlink(q));
        afterRemount();
        assertArrayEquals("1".getBytes(), t.readFile(fs.lookup(fs.lookup(q, "d2"), "one")));
        assertEquals(q, fs.lookup(fs.lookup(q, "d2"), ".."));
    }

    @Test
    void exchangeWithAMissingTargetIsENOENT() throws Exception {
        t.writeFile(root, "a", new byte[0]);
        refused(Errno.ENOENT, () -> fs.rename(root, "a", root, "missing", NvmFs.RENAME_EXCHANGE));
    }

    @Test
    void exchangeThatWouldPutADirectoryBelowItselfIsEINVAL() throws Exception {
        long d = mkdir(root, "d");
        long sub = mkdir(d, "sub");
        t.writeFile(sub, "f", new byte[0]);
        refused(Errno.EINVAL, () -> fs.rename(root, "d", sub, "f", NvmFs.RENAME_EXCHANGE));
        refused(Errno.EINVAL, () -> fs.rename(sub, "f", root, "d", NvmFs.RENAME_EXCHANGE));
    }

    @Test
    void bothFlagsTogetherOrAnUnknownFlagIsEINVAL() throws Exception {
        t.writeFile(root, "a", new byte[0]);
        t.writeFile(root, "b", new byte[0]);
        refused(Errno.EINVAL, () -> fs.rename(root, "a", root, "b", NvmFs.RENAME_NOREPLACE | NvmFs.RENAME_EXCHANGE));
        refused(Errno.EINVAL, () -> fs.rename(root, "a", root, "c", 4));
    }
}
