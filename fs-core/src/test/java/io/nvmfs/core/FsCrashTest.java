package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import io.nvmfs.nvmpg.crash.CrashState;
import io.nvmfs.nvmpg.crash.RecordingPersistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * ACE-style crash testing: a workload of short operations (each ending durable: metadata
 * operations are, file data is fsync'd), run on the recording persistence. At every persist
 * point, images with subsets of the unpersisted words are attached; each must attach, be
 * consistent (no leak, right link counts), and show the operation in flight all-or-nothing.
 */
class FsCrashTest {
    private static final long SIZE = 8L << 20;

    private Arena arena;
    private RecordingPersistence rec;
    private NvmFs fs;
    private final Random random = new Random(17);
    private int images;

    interface Op {
        void run() throws Exception;
    }

    private void step(String name, Op op) throws Exception {
        TreeMap<String, String> before = Consistency.snapshot(fs);
        List<TreeMap<String, String>> seen = new ArrayList<>();
        List<String> where = new ArrayList<>();
        rec.listen((index, state) -> {
            for (BitSet present : state.subsets(4, 4, random)) {
                seen.add(attachCrashImage(state, present, name + " persist #" + index));
                where.add(name + " persist #" + index + " words " + present + "/" + state.pendingWords());
            }
        });
        op.run();
        rec.listen(null);
        TreeMap<String, String> after = Consistency.snapshot(fs);
        for (int i = 0; i < seen.size(); i++) {
            if (!seen.get(i).equals(before) && !seen.get(i).equals(after)) {
                fail("crash during " + where.get(i) + ": neither before nor after\n  got    " + seen.get(i)
                        + "\n  before " + before + "\n  after  " + after);
            }
        }
        CrashState end = rec.snapshot();
        BitSet none = new BitSet();
        if (!attachCrashImage(end, none, name + " done").equals(after)) {
            fail(name + ": after it returned, a crash loses it");
        }
    }

    private TreeMap<String, String> attachCrashImage(CrashState state, BitSet present, String what) {
        images++;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment img = state.image(local, present);
            Media m = Media.ofMemory(img, Persistence.NONE);
            NvmFs crashed = NvmFs.attach(m, FsOptions.defaults().withCommitMillis(0));
            Consistency.check(crashed);
            TreeMap<String, String> snap = Consistency.snapshot(crashed);
            crashed.close();
            return snap;
        } catch (Throwable e) {
            throw new AssertionError("crash image of " + what + ": " + e, e);
        }
    }

    /** Creates an empty file: one step. Then its write+fsync: another (each is durable on its own). */
    private void createAndWrite(String name, String path, byte[] data) throws Exception {
        long parent = fs.resolve(path.substring(0, Math.max(1, path.lastIndexOf('/'))));
        String leaf = path.substring(path.lastIndexOf('/') + 1);
        step("create " + name, () -> fs.release(fs.create(parent, leaf, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh()));
        step("write+fsync " + name, () -> appendAndSync(path, data));
    }

    private void appendAndSync(String path, byte[] data) throws Exception {
        long fh = fs.open(fs.resolve(path), Handle.O_RDWR | Handle.O_APPEND);
        fs.write(fh, 0, MemorySegment.ofArray(data), 0, data.length);
        fs.fsync(fh, false);
        fs.release(fh);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void everyOperationIsAllOrNothingAtEveryPersistPoint() throws Exception {
        arena = Arena.ofConfined();
        try {
            rec = RecordingPersistence.ofZeroImage(arena, SIZE);
            Media media = Media.ofMemory(rec.live(), rec);
            Mkfs.format(media, "crash", 6, TimeSource.SYSTEM);
            fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
            long root = fs.root();
            step("mkdir a", () -> fs.mkdir(root, "a", 0755, Caller.ROOT));
            createAndWrite("a/f", "/a/f", bytes(5000));
            step("append+fsync a/f", () -> appendAndSync("/a/f", bytes(70_000)));
            step("link a/f b", () -> fs.link(fs.resolve("/a/f"), root, "b"));
            step("symlink s", () -> fs.symlink(root, "s", "a/f", Caller.ROOT));
            step("setxattr", () -> fs.setxattr(fs.resolve("/a/f"), "user.k", bytes(40), 0));
            step("chmod", () -> fs.chmod(fs.resolve("/b"), 0600));
            step("rename file across dirs", () -> fs.rename(fs.resolve("/a"), "f", root, "g", 0));
            createAndWrite("c", "/c", bytes(9000));
            step("rename over existing", () -> fs.rename(root, "c", root, "g", 0));
            step("truncate shrink", () -> fs.truncate(fs.resolve("/g"), 3000));
            step("truncate grow", () -> fs.truncate(fs.resolve("/g"), 20_000));
            createAndWrite("big", "/a/big", bytes(300_000));
            step("punch", () -> {
                long fh = fs.open(fs.resolve("/a/big"), Handle.O_RDWR);
                fs.fallocate(fh, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, 8192, 65536);
                fs.release(fh);
            });
            step("mkdir a/d", () -> fs.mkdir(fs.resolve("/a"), "d", 0755, Caller.ROOT));
            step("move dir", () -> fs.rename(fs.resolve("/a"), "d", root, "d2", 0));
            step("exchange", () -> fs.rename(root, "d2", fs.resolve("/a"), "big", NvmFs.RENAME_EXCHANGE));
            step("unlink", () -> fs.unlink(root, "b"));
            step("setxattr g", () -> fs.setxattr(fs.resolve("/g"), "user.k", bytes(40), 0));
            step("removexattr", () -> fs.removexattr(fs.resolve("/g"), "user.k"));
            step("rmdir", () -> fs.rmdir(fs.resolve("/a"), "big"));
            for (int i = 0; i < 20; i++) {
                createAndWrite("m" + i, "/m" + i, bytes(100 + 37 * i));
            }
            long[] open = new long[1];
            open[0] = fs.open(fs.resolve("/m3"), Handle.O_RDWR);
            step("unlink open file", () -> fs.unlink(root, "m3"));
            step("write+fsync unlinked", () -> {
                fs.write(open[0], 0, MemorySegment.ofArray(bytes(100)), 0, 100);
                fs.fsync(open[0], false);
            });
            step("last release frees it", () -> fs.release(open[0]));
            fs.close();
            assertTrue(images > 500, "crash images checked: " + images);
        } finally {
            arena.close();
        }
    }
}
