package io.nvmfs.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The operations the crash explorer composes into workloads, over ACE's small file set: the
 * root, directories {@code A} and {@code B}, and files {@code foo} and {@code bar} in each of the
 * three (plus a directory {@code C} that operations may create). Each operation resolves its
 * paths when it runs; one that fails (the name is missing, the directory is not empty) fails as
 * the filesystem says and the workload goes on — a failed operation must change nothing.
 *
 * <p>nvmfs promises every metadata operation durable when it returns, and a file's data at fsync,
 * fdatasync, sync and close; a data operation writes file pages in place, so while it is in
 * flight the file's bytes may be any mix of old and new. Each data operation names the inode it
 * writes in {@link InFlight}; the oracle ignores that file's size and bytes in the crash states
 * taken during that operation only.
 */
public final class CrashOps {
    private CrashOps() {}

    /** One step of a workload. */
    record Op(String name, Body body) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Body {
        void run(NvmFs fs, InFlight d) throws FsException;
    }

    /** Inodes whose bytes the operation in flight writes in place (masked in its crash states). */
    static final class InFlight {
        final java.util.Set<Long> dataOf = new java.util.HashSet<>();
    }

    static final List<String> DIRS = List.of("", "/A", "/B");
    static final List<String> FILES = List.of("/foo", "/bar", "/A/foo", "/A/bar", "/B/foo", "/B/bar");

    /** Every operation of the catalogue with every argument from the file set. */
    static List<Op> catalogue() {
        List<Op> ops = new ArrayList<>();
        for (String f : FILES) {
            ops.add(new Op("creat " + f, (fs, d) -> fs.release(fs.create(parent(fs, f), leaf(f), 0644,
                    Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh())));
            ops.add(write("append " + f, f, -1, 3000));
            ops.add(write("overwrite " + f, f, 0, 5000));
            ops.add(write("unaligned " + f, f, 4001, 300));
            ops.add(write("beyond-eof " + f, f, 70_000, 17));
            ops.add(new Op("truncate-down " + f, (fs, d) -> fs.truncate(fs.resolve(f), 1000)));
            ops.add(new Op("truncate-up " + f, (fs, d) -> fs.truncate(fs.resolve(f), 30_000)));
            ops.add(falloc("falloc-keep " + f, f, Fallocate.KEEP_SIZE, 0, 12_288));
            ops.add(falloc("punch " + f, f, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, 4096, 4096));
            ops.add(falloc("zero " + f, f, Fallocate.ZERO_RANGE, 100, 5000));
            ops.add(new Op("unlink " + f, (fs, d) -> fs.unlink(parent(fs, f), leaf(f))));
            ops.add(new Op("setxattr " + f, (fs, d) -> fs.setxattr(fs.resolve(f), "user.k", pattern(f.length() * 7, 120), 0)));
            ops.add(new Op("removexattr " + f, (fs, d) -> fs.removexattr(fs.resolve(f), "user.k")));
            ops.add(new Op("fsync " + f, (fs, d) -> sync(fs, d, f, false)));
            ops.add(new Op("fdatasync " + f, (fs, d) -> sync(fs, d, f, true)));
            ops.add(new Op("tmpfile-link " + f, (fs, d) -> tmpfileLink(fs, f)));
        }
        String[][] pairs = {{"/foo", "/A/bar"}, {"/A/foo", "/B/foo"}, {"/A/foo", "/A/bar"}, {"/B/bar", "/foo"}};
        for (String[] p : pairs) {
            ops.add(new Op("link " + p[0] + " " + p[1], (fs, d) -> fs.link(fs.resolve(p[0]), parent(fs, p[1]), leaf(p[1]))));
            ops.add(rename(p[0], p[1], 0));
            ops.add(rename(p[1], p[0], 0));
        }
        ops.add(rename("/A/foo", "/A/baz", 0));
        ops.add(rename("/A/foo", "/B/bar", NvmFs.RENAME_EXCHANGE));
        ops.add(rename("/foo", "/A/foo", NvmFs.RENAME_NOREPLACE));
        ops.add(rename("/A", "/C", 0));
        ops.add(rename("/A", "/B", 0));
        ops.add(rename("/B", "/A/C", 0));
        ops.add(rename("/A", "/B", NvmFs.RENAME_EXCHANGE));
        for (String dir : List.of("/C", "/A/C", "/B/C")) {
            ops.add(new Op("mkdir " + dir, (fs, d) -> fs.mkdir(parent(fs, dir), leaf(dir), 0755, Caller.ROOT)));
            ops.add(new Op("rmdir " + dir, (fs, d) -> fs.rmdir(parent(fs, dir), leaf(dir))));
        }
        ops.add(new Op("rmdir /B", (fs, d) -> fs.rmdir(fs.root(), "B")));
        ops.add(new Op("symlink /A/s", (fs, d) -> fs.symlink(fs.resolve("/A"), "s", "../foo", Caller.ROOT)));
        ops.add(new Op("symlink /s", (fs, d) -> fs.symlink(fs.root(), "s", "A/" + "x".repeat(200), Caller.ROOT)));
        ops.add(new Op("setxattr-big /A", (fs, d) -> fs.setxattr(fs.resolve("/A"), "user.big", pattern(3, 2000), 0)));
        // Version 2 xattr blocks: a value of XATTR_SIZE_MAX (a 32-page block), one that takes a
        // 4-page block, and removing the large one: a block replaced by one of another order
        // (up from /foo's one page in the fragmented base, down again, or to none).
        for (String f : List.of("/foo", "/A/foo", "/A")) {
            ops.add(new Op("setxattr-64k " + f, (fs, d) -> fs.setxattr(fs.resolve(f), "user.huge", pattern(f.length() * 5, 65536), 0)));
            ops.add(new Op("setxattr-9k " + f, (fs, d) -> fs.setxattr(fs.resolve(f), "user.mid", pattern(f.length() * 3, 9000), 0)));
            ops.add(new Op("removexattr-64k " + f, (fs, d) -> fs.removexattr(fs.resolve(f), "user.huge")));
        }
        ops.add(new Op("feature-upgrade", (fs, d) -> featureUpgrade(fs)));
        // POSIX ACLs: a default ACL that creates in /A then inherit (mode and xattrs in the
        // create's one commit), and an access ACL set with the mode and moved by chmod.
        ops.add(new Op("acl-default /A", (fs, d) -> fs.setxattr(fs.resolve("/A"), PosixAcl.DEFAULT, PosixAclTest.acl(
                PosixAcl.USER_OBJ, 7, -1, PosixAcl.USER, 6, 1000, PosixAcl.GROUP_OBJ, 5, -1, PosixAcl.MASK, 7, -1,
                PosixAcl.OTHER, 0, -1), 0)));
        for (String f : List.of("/foo", "/A/foo")) {
            ops.add(new Op("acl-access " + f, (fs, d) -> fs.setxattr(fs.resolve(f), PosixAcl.ACCESS, PosixAclTest.acl(
                    PosixAcl.USER_OBJ, 6, -1, PosixAcl.GROUP_OBJ, 4, -1, PosixAcl.GROUP, 6, 100, PosixAcl.MASK, 6, -1,
                    PosixAcl.OTHER, 4, -1), 0)));
            ops.add(new Op("chmod " + f, (fs, d) -> fs.chmod(fs.resolve(f), 0604)));
        }
        // chattr: a journaled attribute change; the operations after it in a workload are refused
        // (EPERM), and a refused operation must change nothing.
        ops.add(new Op("chattr +i /A/foo", (fs, d) -> fs.setFileFlags(fs.resolve("/A/foo"), FileFlags.IMMUTABLE)));
        ops.add(new Op("chattr +a /A", (fs, d) -> fs.setFileFlags(fs.resolve("/A"), FileFlags.APPEND)));
        ops.add(new Op("fsync /A", (fs, d) -> { fs.releasedir(fs.opendir(fs.resolve("/A"))); }));
        ops.add(new Op("sync", (fs, d) -> fs.flush()));
        return ops;
    }

    /**
     * Operations on {@link CrashBases#LONG_CHAIN}'s /A/bar that change its extent-chain pages in
     * place: one extent out of a middle page, 530 logical pages (at least one whole chain page:
     * none holds more than 254 extents, 508 logical pages) out of the middle, the first page
     * emptied, a reservation into a hole of the first page (past full: a split), data into a
     * hole; then a truncate, the unlink, a sync.
     */
    static List<Op> chainOps() {
        int punch = Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE;
        return List.of(
                falloc("punch-one /A/bar", "/A/bar", punch, 600L << 12, 4096),
                falloc("punch-page /A/bar", "/A/bar", punch, 500L << 12, 530L << 12),
                falloc("punch-head /A/bar", "/A/bar", punch, 0, 508L << 12),
                falloc("reserve-hole /A/bar", "/A/bar", Fallocate.KEEP_SIZE, 3L << 12, 4096),
                write("write-hole /A/bar", "/A/bar", 5L << 12, 10),
                new Op("truncate /A/bar", (fs, d) -> fs.truncate(fs.resolve("/A/bar"), 0)),
                new Op("unlink /A/bar", (fs, d) -> fs.unlink(fs.resolve("/A"), "bar")),
                new Op("sync", (fs, d) -> fs.flush()));
    }

    /** The {@link #chainOps} that free few records (each freed record adds persist points, and so crash states). */
    static final java.util.Set<String> CHEAP_CHAIN_OPS = java.util.Set.of("punch-one /A/bar", "reserve-hole /A/bar",
            "write-hole /A/bar", "truncate /A/bar", "sync");

    private static Op write(String name, String f, long offset, int length) {
        return new Op(name, (fs, d) -> {
            long ino = fs.resolve(f);
            long fh = fs.open(ino, Handle.O_RDWR | (offset < 0 ? Handle.O_APPEND : 0));
            try {
                byte[] b = pattern(name.length() + (int) ino, length);
                d.dataOf.add(ino);
                fs.write(fh, Math.max(0, offset), MemorySegment.ofArray(b), 0, b.length);
            } finally {
                fs.release(fh);
            }
        });
    }

    private static Op falloc(String name, String f, int mode, long offset, long length) {
        return new Op(name, (fs, d) -> {
            long ino = fs.resolve(f);
            long fh = fs.open(ino, Handle.O_RDWR);
            try {
                d.dataOf.add(ino);
                fs.fallocate(fh, mode, offset, length);
            } finally {
                fs.release(fh);
            }
        });
    }

    private static Op rename(String from, String to, int flags) {
        String how = flags == NvmFs.RENAME_EXCHANGE ? "exchange " : flags == NvmFs.RENAME_NOREPLACE ? "rename-noreplace " : "rename ";
        return new Op(how + from + " " + to, (fs, d) -> fs.rename(parent(fs, from), leaf(from), parent(fs, to), leaf(to), flags));
    }

    private static void sync(NvmFs fs, InFlight d, String f, boolean dataOnly) throws FsException {
        long ino = fs.resolve(f);
        long fh = fs.open(ino, Handle.O_RDWR);
        try {
            fs.fsync(fh, dataOnly);
        } finally {
            fs.release(fh);
        }
    }

    /**
     * The O_TMPFILE idiom for publishing a file whole: write an unnamed file, fsync it, then give
     * it its name (linkat). A crash before the link leaves no trace; after it, the named file has
     * all its bytes.
     */
    static void tmpfileLink(NvmFs fs, String f) throws FsException {
        NvmFs.Created c = fs.tmpfile(parent(fs, f), 0640, Handle.O_RDWR, Caller.ROOT);
        try {
            byte[] b = pattern(f.length() * 13, 5000);
            fs.write(c.fh(), 0, MemorySegment.ofArray(b), 0, b.length);
            fs.fsync(c.fh(), false);
            fs.link(c.stat().ino(), parent(fs, f), leaf(f));
        } finally {
            fs.release(c.fh());
        }
    }

    /**
     * The superblock upgrade a read-write attach makes of an older image ({@link FeatureUpgrade}),
     * on this filesystem made older first: its features cleared by the same kind of journaled
     * transaction and checkpoint, so that the crash states of that half are images older code
     * could have left (which the explorer's attach then upgrades), and those of the second half
     * are the upgrade's own.
     */
    static void featureUpgrade(NvmFs fs) throws FsException {
        FsCore core = fs.fs;
        core.journal.commit(FeatureUpgrade.writes(core.seg, core.superblock, 0));
        core.journal.checkpoint();
        if (FeatureUpgrade.run(core.seg, core.journal, core.superblock) == null) {
            throw new AssertionError("nothing to upgrade after the features were cleared");
        }
    }

    static long parent(NvmFs fs, String path) throws FsException {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? fs.root() : fs.resolve(path.substring(0, slash));
    }

    static String leaf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }
}
