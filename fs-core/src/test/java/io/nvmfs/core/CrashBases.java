package io.nvmfs.core;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The images workloads start from, built in the same attach as the workload (so what they leave
 * in the live journal is still there): never an empty filesystem, so that freed pages, live
 * journal records, overflow extent pages and xattr pages are all in play.
 */
public final class CrashBases {
    private CrashBases() {}

    record Base(String name, Setup setup) {
        void build(NvmFs fs) throws FsException {
            setup.run(fs);
        }
    }

    @FunctionalInterface
    interface Setup {
        void run(NvmFs fs) throws FsException;
    }

    /** The log filled to just short of wrapping: the workload's commits wrap it and checkpoint (the tail moves). */
    static final Base NEAR_WRAP = new Base("near-wrap", fs -> {
        files(fs);
        long a = fs.resolve("/A/foo");
        long capacity = fs.journalStats().capacityBytes();
        for (int i = 0; fs.journalStats().usedBytes() < capacity - 800; i++) {
            fs.setxattr(a, "user.fill", CrashOps.pattern(i, 700), 0);
        }
    });

    /**
     * {@link #files}, and /A/bar with 600 extents: one-page KEEP_SIZE reservations past an EOF of
     * 0 at the even logical pages 0..1198, made one by one so the chain grows by splits (several
     * partly full pages, as a file grown in place has). Past EOF,
     * because the explorer compares every file's bytes in every crash state, and 600 data pages
     * would make that the whole cost. Not in {@link #ALL}: {@link CrashOps#chainOps} run from it.
     */
    static final Base LONG_CHAIN = new Base("long-chain", fs -> {
        files(fs);
        NvmFs.Created c = fs.create(fs.resolve("/A"), "bar", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        for (long page = 0; page < 1200; page += 2) {
            fs.fallocate(c.fh(), Fallocate.KEEP_SIZE, page << 12, 4096);
        }
        fs.release(c.fh());
    });

    static final List<Base> ALL = List.of(
            new Base("files", CrashBases::files),
            new Base("freed", fs -> {
                files(fs);
                freeSome(fs);
            }),
            new Base("fragmented", fs -> {
                files(fs);
                fragmented(fs);
            }));

    /** A, B; /foo, /A/foo with data, /B/bar empty. */
    static void files(NvmFs fs) throws FsException {
        long root = fs.root();
        long a = fs.mkdir(root, "A", 0755, Caller.ROOT).ino();
        fs.mkdir(root, "B", 0755, Caller.ROOT);
        write(fs, root, "foo", 5000);
        write(fs, a, "foo", 9000);
        fs.release(fs.create(fs.resolve("/B"), "bar", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
    }

    /**
     * Pages freed while the live journal still holds records that wrote them: a removed
     * directory (its entry page), a removed file's data and a removed xattr page.
     */
    static void freeSome(NvmFs fs) throws FsException {
        long root = fs.root();
        long x = fs.mkdir(root, "X", 0755, Caller.ROOT).ino();
        for (int i = 0; i < 3; i++) {
            write(fs, x, "y" + i, 100);
        }
        for (int i = 0; i < 3; i++) {
            fs.unlink(x, "y" + i);
        }
        fs.rmdir(root, "X");
        write(fs, root, "gone", 20_000);
        fs.setxattr(fs.resolve("/gone"), "user.v", CrashOps.pattern(5, 200), 0);
        fs.unlink(root, "gone");
    }

    /** /A/bar with more extents than fit inline (an overflow extent page), /foo with an xattr. */
    static void fragmented(NvmFs fs) throws FsException {
        long a = fs.resolve("/A");
        NvmFs.Created c = fs.create(a, "bar", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        byte[] one = {7};
        for (int i = 0; i < 2 * (InodeFormat.INLINE_EXTENTS + 2); i += 2) {
            fs.write(c.fh(), (long) i << 12, MemorySegment.ofArray(one), 0, 1);
        }
        fs.release(c.fh());
        fs.setxattr(fs.resolve("/foo"), "user.k", CrashOps.pattern(9, 64), 0);
        fs.mkdir(fs.resolve("/B"), "C", 0755, Caller.ROOT);
    }

    private static void write(NvmFs fs, long dir, String name, int bytes) throws FsException {
        NvmFs.Created c = fs.create(dir, name, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
        byte[] b = CrashOps.pattern(name.hashCode() + bytes, bytes);
        fs.write(c.fh(), 0, MemorySegment.ofArray(b), 0, b.length);
        fs.release(c.fh());
    }
}
