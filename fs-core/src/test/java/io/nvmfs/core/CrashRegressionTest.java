package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * Named regressions for the crash bug classes found in other persistent-memory filesystems
 * (Chipmunk, Vinter) and in nvmfs itself, each run through the crash explorer (every persist
 * point, subsets of the unpersisted words) with workloads aimed at that class.
 */
class CrashRegressionTest {
    private static void explore(String what, List<CrashBases.Base> bases, List<List<CrashOps.Op>> workloads) {
        try (Arena arena = Arena.ofConfined()) {
            CrashExplorer x = new CrashExplorer(arena, 6, 8, 41);
            for (CrashBases.Base b : bases) {
                for (List<CrashOps.Op> w : workloads) {
                    x.explore(b, w);
                }
            }
            System.out.printf("crash regression %s: %d workloads, %d crash states, %d failures%n", what, x.workloads(),
                    x.states(), x.failures().size());
            assertEquals(List.of(), x.failures().subList(0, Math.min(3, x.failures().size())));
            assertTrue(x.states() > 0, "states were checked");
        }
    }

    private static CrashOps.Op op(String name) {
        return CrashOps.catalogue().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no operation " + name));
    }

    /** Rename never loses both names, nor keeps both (NOVA/PMFS-style dentry bugs), in every shape. */
    @Test
    void renameThatLosesTheDentry() {
        List<List<CrashOps.Op>> w = new ArrayList<>();
        for (String r : List.of("rename /A/foo /A/baz", "rename /A/foo /B/foo", "rename /foo /A/bar", "rename /A /C",
                "rename /B /A/C", "exchange /A/foo /B/bar", "exchange /A /B", "rename-noreplace /foo /A/foo")) {
            w.add(List.of(op(r)));
            w.add(List.of(op("append /A/foo"), op(r)));
        }
        explore("rename", CrashBases.ALL, w);
    }

    /** The journal's tail and head across a wrap and the checkpoints it forces (log/tail pointer recovery). */
    @Test
    void logTailPointerRecoveryAcrossAWrap() {
        List<List<CrashOps.Op>> w = List.of(
                List.of(op("setxattr-big /A"), op("creat /B/foo"), op("exchange /A/foo /B/bar")),
                List.of(op("mkdir /C"), op("unlink /foo"), op("link /A/foo /B/foo")),
                List.of(op("truncate-down /A/foo"), op("sync"), op("setxattr /A/foo")));
        explore("journal wrap", List.of(CrashBases.NEAR_WRAP), w);
    }

    /** Xattr blocks replaced by blocks of other orders: 1 to 4 to 32 pages and back, and to none. */
    @Test
    void xattrBlocksAcrossOrders() {
        explore("xattr blocks", CrashBases.ALL, List.of(
                List.of(op("setxattr-64k /foo")),
                List.of(op("setxattr-9k /A/foo"), op("setxattr-64k /A/foo"), op("removexattr-64k /A/foo")),
                List.of(op("setxattr-64k /A"), op("setxattr /A/foo"), op("removexattr-64k /A")),
                List.of(op("feature-upgrade"), op("setxattr-64k /foo"))));
    }

    /** The superblock feature upgrade, whose two home writes a crash can tear apart. */
    @Test
    void theFeatureUpgradeTornByACrash() {
        explore("feature upgrade", CrashBases.ALL, List.of(
                List.of(op("feature-upgrade")),
                List.of(op("feature-upgrade"), op("setxattr /foo"))));
    }

    /** Link counts stay right through link, unlink and rename over a linked name. */
    @Test
    void linkCountAfterACrash() {
        explore("link count", CrashBases.ALL, List.of(
                List.of(op("link /A/foo /B/foo"), op("unlink /A/foo")),
                List.of(op("link /foo /A/bar"), op("rename /B/bar /foo")),
                List.of(op("link /A/foo /A/bar"), op("rename /A/foo /A/bar"))));
    }

    /** Truncate and fallocate of one file through several descriptors, interleaved with writes. */
    @Test
    void truncateAndFallocateThroughSeveralDescriptors() {
        CrashOps.Op interleaved = new CrashOps.Op("two descriptors on /A/foo", (fs, d) -> {
            long ino = fs.resolve("/A/foo");
            d.dataOf.add(ino);
            long a = fs.open(ino, Handle.O_RDWR);
            long b = fs.open(ino, Handle.O_RDWR);
            try {
                fs.write(a, 20_000, MemorySegment.ofArray(CrashOps.pattern(3, 9000)), 0, 9000);
                fs.truncate(ino, 12_000);
                fs.fallocate(b, Fallocate.KEEP_SIZE, 0, 64 << 10);
                fs.write(b, 30_000, MemorySegment.ofArray(CrashOps.pattern(4, 100)), 0, 100);
                fs.fallocate(a, Fallocate.PUNCH_HOLE | Fallocate.KEEP_SIZE, 4096, 8192);
                fs.fsync(b, true);
            } finally {
                fs.release(a);
                fs.release(b);
            }
        });
        explore("several descriptors", CrashBases.ALL, List.of(List.of(interleaved), List.of(op("truncate-up /A/foo"), interleaved)));
    }

    /** The freed-then-reused page (nvmfs's own bug: replay over a page that changed owner). */
    @Test
    void freedThenReusedPage() {
        explore("freed then reused", List.of(CrashBases.ALL.get(1)), List.of(
                List.of(op("append /foo"), op("fsync /foo")),
                List.of(op("setxattr /B/bar")),
                List.of(op("mkdir /C"), op("creat /B/foo"), op("beyond-eof /B/foo"))));
    }

    /**
     * The inode table giving back its last chunk (a journaled slot clear, then a held-back release
     * of the chunk's block, whose zeroed records are live journal records) and growing again over
     * those pages: every crash state attaches with no page owned twice or lost.
     */
    @Test
    void inodeTableChunkGivenBackAndRegrown() {
        CrashBases.Base grown = new CrashBases.Base("table with a last chunk about to empty", fs -> {
            CrashBases.files(fs);
            long c = fs.mkdir(fs.root(), "C", 0755, Caller.ROOT).ino();
            for (int i = 0; fs.fs.table.chunks() < 3; i++) {
                fs.release(fs.create(c, "n" + i, 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh());
            }
            for (int i = 0; i < 24; i++) { // chunk 1 half free: chunk 2 may go once it is empty
                fs.unlink(c, "n" + i);
            }
        });
        CrashOps.Op emptyLastChunk = new CrashOps.Op("unlink the last chunk's one inode", (fs, d) -> {
            long c = fs.resolve("/C");
            for (DirEntry e : fs.readdir(c, 0, 1000)) {
                if (InodeTable.chunkOf(e.ino()) == 2 && !e.name().equals("..")) {
                    fs.unlink(c, e.nameBytes());
                }
            }
            assertEquals(2, fs.fs.table.chunks(), "chunk 2 given back");
        });
        List<CrashOps.Op> regrow = new ArrayList<>(); // 24 numbers are free below chunk 2: the 25th create grows it
        for (int i = 0; i < 25; i++) {
            String name = "m" + i;
            regrow.add(new CrashOps.Op("creat /C/" + name, (fs, d) -> fs.release(fs.create(fs.resolve("/C"), name, 0644,
                    Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT).fh())));
        }
        List<CrashOps.Op> giveBackThenRegrow = new ArrayList<>(List.of(emptyLastChunk));
        giveBackThenRegrow.addAll(regrow);
        explore("inode table chunk give-back", List.of(grown), List.of(List.of(emptyLastChunk),
                List.of(emptyLastChunk, op("sync"), op("creat /A/bar")), List.of(emptyLastChunk, op("append /foo"), op("fsync /foo")),
                List.of(emptyLastChunk, op("append /A/foo"), op("overwrite /B/bar"), op("fsync /B/bar")), giveBackThenRegrow));
    }

    /**
     * mkfs is never half-done: at every persist point of a format, each crash state either is no
     * filesystem (attach says so, and a new mkfs works) or is the whole empty filesystem — never a
     * journal or superblock that attach trips over (non-atomic journal initialisation).
     */
    @Test
    void nonAtomicJournalInitialisation() throws Exception {
        long size = 8L << 20;
        try (Arena arena = Arena.ofConfined()) {
            RecordingPersistence rec = RecordingPersistence.ofZeroImage(arena, size);
            MemorySegment scratch = arena.allocate(size, 4096);
            Random random = new Random(3);
            List<String> failures = new ArrayList<>();
            int[] states = {0, 0};
            rec.listen((index, state) -> {
                for (BitSet present : state.subsets(6, 8, random)) {
                    states[0]++;
                    state.imageInto(scratch, present);
                    Media m = Media.ofMemory(scratch, Persistence.NONE);
                    try {
                        NvmFs fs = NvmFs.attach(m, FsOptions.defaults().withCommitMillis(0));
                        Consistency.check(fs);
                        assertEquals(2, fs.readdir(fs.root(), 0, 10).size(), "an empty root");
                        fs.close();
                        states[1]++;
                    } catch (FsException notYet) {
                        try {
                            Mkfs.format(m, "again", 6, TimeSource.SYSTEM); // no filesystem yet: a new mkfs must work
                            NvmFs.attach(m, FsOptions.defaults().withCommitMillis(0)).close();
                        } catch (Throwable e) {
                            failures.add("persist #" + index + " " + CrashExplorer.describe(present, state.pendingWords()) + ": "
                                    + notYet.getMessage() + ", then mkfs: " + e);
                        }
                    } catch (Throwable e) {
                        failures.add("persist #" + index + " " + CrashExplorer.describe(present, state.pendingWords()) + ": " + e);
                    }
                }
            });
            Mkfs.format(Media.ofMemory(rec.live(), rec), "init", 6, TimeSource.SYSTEM);
            rec.listen(null);
            System.out.printf("crash regression mkfs: %d crash states, %d already a filesystem, %d failures%n",
                    states[0], states[1], failures.size());
            assertEquals(List.of(), failures.subList(0, Math.min(3, failures.size())));
            CrashState end = rec.snapshot();
            end.imageInto(scratch, new BitSet());
            NvmFs.attach(Media.ofMemory(scratch, Persistence.NONE), FsOptions.defaults().withCommitMillis(0)).close();
        }
    }
}
