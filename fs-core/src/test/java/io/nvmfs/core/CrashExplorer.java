package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import io.nvmfs.nvmpg.crash.CrashState;
import io.nvmfs.nvmpg.crash.RecordingPersistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a workload from a base image on the recording persistence and checks every crash state
 * at every persist point (CrashMonkey/ACE's bounded workloads, Chipmunk's persist-point states):
 * the stores not yet persisted at that instant may each have reached the media or not, and the
 * image left by each subset tried must
 * <ol>
 *   <li>attach (journal replay, leak and orphan scan) without error;</li>
 *   <li>pass the structural check: tree connected, link counts right, every referenced page
 *       recorded once under the right owner, nothing recorded that nothing references;</li>
 *   <li>show the operation in flight all-or-nothing: exactly what a user saw before it or after
 *       it (names, types, modes, link counts, sizes, bytes, symlink targets, xattrs) — which also
 *       means everything earlier operations made durable is intact.</li>
 * </ol>
 * After the last operation, the states with none and with all of the pending stores must show
 * the final tree (a crash after return loses nothing: kill -9 and power cut alike).
 * Single-threaded, so the persist order is the program order.
 */
public final class CrashExplorer {
    public static final long IMAGE_BYTES = 8L << 20;

    private final int exhaustiveUpTo;
    private final int samples;
    private final Random random;
    private final MemorySegment scratch;
    private final List<String> failures = new ArrayList<>();
    private final ImageCheck imageCheck;
    private long states;
    private int workloads;

    /**
     * @param exhaustiveUpTo at a persist point with at most this many pending words, every subset
     * @param samples        beyond that: none, all, each alone, all but each (sampled) and this many random
     */
    CrashExplorer(Arena arena, int exhaustiveUpTo, int samples, long seed) {
        this(arena, exhaustiveUpTo, samples, seed, null);
    }

    /** With {@code imageCheck} also run on every crash image as it is (before any attach). */
    public CrashExplorer(Arena arena, int exhaustiveUpTo, int samples, long seed, ImageCheck imageCheck) {
        this.exhaustiveUpTo = exhaustiveUpTo;
        this.samples = samples;
        this.random = new Random(seed);
        this.scratch = arena.allocate(IMAGE_BYTES, 4096);
        this.imageCheck = imageCheck;
    }

    /** Another checker of crash images (fsck -n, from the fsck module's tests). */
    @FunctionalInterface
    public interface ImageCheck {
        /** What is wrong with the crash image in {@code image} (free to change it), or null. */
        String problem(MemorySegment image);
    }

    /** Every workload of one operation, from every base. */
    public void exploreSeq1() {
        for (CrashBases.Base base : CrashBases.ALL) {
            for (CrashOps.Op op : CrashOps.catalogue()) {
                explore(base, List.of(op));
            }
        }
    }

    /** One-operation workloads of the chain operations from the long-chain base, those freeing few records. */
    public void exploreCheapChainSeq1() {
        for (CrashOps.Op op : CrashOps.chainOps()) {
            if (CrashOps.CHEAP_CHAIN_OPS.contains(op.name()) || op.name().startsWith("punch-page")) {
                explore(CrashBases.LONG_CHAIN, List.of(op));
            }
        }
    }

    public long states() {
        return states;
    }

    public int workloads() {
        return workloads;
    }

    public List<String> failures() {
        return failures;
    }

    private static FsOptions options() {
        long[] clock = {1_700_000_000L, 0};
        TimeSource time = () -> {
            clock[1] += 1_000_000;
            return clock.clone();
        };
        // noatime: the oracle's own reads must not commit anything on the live filesystem.
        return FsOptions.defaults().withTime(time).withCommitMillis(0).withAtime(FsOptions.Atime.NOATIME);
    }

    /** One crash state found wrong: enough to rerun it. */
    private void fail(String base, List<CrashOps.Op> workload, int step, String where, String what) {
        failures.add("base " + base + " workload " + workload + " during step " + step + " (" + workload.get(step)
                + ") at " + where + ": " + what);
    }

    /** Explores {@code workload} run from {@code base}; returns whether every state passed. */
    boolean explore(CrashBases.Base base, List<CrashOps.Op> workload) {
        workloads++;
        int failuresBefore = failures.size();
        try (Arena arena = Arena.ofConfined()) {
            RecordingPersistence rec = RecordingPersistence.ofZeroImage(arena, IMAGE_BYTES);
            Media media = Media.ofMemory(rec.live(), rec);
            Mkfs.format(media, "crash", 6, options().time(), new java.util.UUID(1, 2));
            NvmFs fs = NvmFs.attach(media, options());
            base.build(fs);
            for (int step = 0; step < workload.size(); step++) {
                CrashOps.Op op = workload.get(step);
                TreeMap<String, String> before = snapshot(fs, Set.of());
                CrashOps.InFlight inFlight = new CrashOps.InFlight();
                List<BitSet> tried = new ArrayList<>();
                List<String> where = new ArrayList<>();
                List<CrashState> crashStates = new ArrayList<>();
                List<TreeMap<String, String>> seen = new ArrayList<>();
                int s = step;
                rec.listen((index, state) -> {
                    for (BitSet present : state.subsets(exhaustiveUpTo, samples, random)) {
                        states++;
                        String at = "persist #" + index + " " + describe(present, state.pendingWords());
                        try {
                            seen.add(attach(state, present));
                            where.add(at);
                        } catch (Throwable e) {
                            fail(base.name(), workload, s, at, e.toString());
                        }
                    }
                });
                try {
                    op.body().run(fs, inFlight);
                } catch (FsException expected) {
                    // A failing operation is part of the workload: it must have changed nothing.
                } finally {
                    rec.listen(null);
                }
                TreeMap<String, String> after = snapshot(fs, Set.of());
                TreeMap<String, String> beforeMasked = snapshot(fs, inFlight.dataOf, before);
                TreeMap<String, String> afterMasked = snapshot(fs, inFlight.dataOf, after);
                for (int i = 0; i < seen.size(); i++) {
                    TreeMap<String, String> got = snapshot(fs, inFlight.dataOf, seen.get(i));
                    if (!got.equals(beforeMasked) && !got.equals(afterMasked)) {
                        fail(base.name(), workload, step, where.get(i), "neither before nor after\n    got    " + got
                                + "\n    before " + beforeMasked + "\n    after  " + afterMasked);
                    }
                }
                if (failures.size() > failuresBefore) {
                    return false;
                }
            }
            TreeMap<String, String> end = snapshot(fs, Set.of());
            CrashState last = rec.snapshot();
            BitSet all = new BitSet();
            all.set(0, last.pendingWords());
            for (BitSet present : List.of(new BitSet(), all)) {
                states++;
                try {
                    TreeMap<String, String> got = attach(last, present);
                    if (!got.equals(end)) {
                        fail(base.name(), workload, workload.size() - 1, "after the last step, " + present.cardinality()
                                + " of " + last.pendingWords() + " pending words", "lost what returned\n    got  " + got
                                + "\n    want " + end);
                    }
                } catch (Throwable e) {
                    fail(base.name(), workload, workload.size() - 1, "after the last step", e.toString());
                }
            }
            fs.close();
        } catch (Throwable e) {
            failures.add("base " + base.name() + " workload " + workload + ": the live run failed: " + e);
        }
        return failures.size() == failuresBefore;
    }

    /** The subset of pending words, compactly: "none", "all", "{3, 9} of 40" or "all but {7} of 40". */
    static String describe(BitSet present, int pending) {
        int n = present.cardinality();
        if (n == 0) {
            return "none of " + pending + " pending words";
        }
        if (n == pending) {
            return "all " + pending + " pending words";
        }
        if (n > pending / 2) {
            BitSet absent = new BitSet(pending);
            absent.set(0, pending);
            absent.andNot(present);
            return "all but words " + absent + " of " + pending;
        }
        return "words " + present + " of " + pending;
    }

    /** The crash image: attach it, check it, and render what a user sees. */
    private TreeMap<String, String> attach(CrashState state, BitSet present) throws Exception {
        state.imageInto(scratch, present);
        if (imageCheck != null) {
            // The checker may repair the image: what the oracles below then see is its result.
            String problem = imageCheck.problem(scratch);
            if (problem != null) {
                throw new AssertionError(problem);
            }
        }
        NvmFs crashed = NvmFs.attach(Media.ofMemory(scratch, Persistence.NONE), options());
        try {
            Consistency.check(crashed);
            return snapshot(crashed, Set.of());
        } finally {
            crashed.close();
        }
    }

    /** Path → what a user sees of it; the size and bytes of {@code masked} inodes left out. */
    static TreeMap<String, String> snapshot(NvmFs fs, Set<Long> masked) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs, fs.root(), "", masked, out);
        return out;
    }

    /** A snapshot taken earlier, re-rendered with {@code masked} left out. */
    private static TreeMap<String, String> snapshot(NvmFs fs, Set<Long> masked, TreeMap<String, String> taken) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : taken.entrySet()) {
            out.put(e.getKey(), mask(e.getValue(), masked));
        }
        return out;
    }

    private static String mask(String description, Set<Long> masked) {
        for (long ino : masked) {
            if (description.startsWith("ino=" + ino + " ")) {
                return description.replaceAll(" size=\\S+ sha=\\S+", " size=? sha=?");
            }
        }
        return description;
    }

    private static void walk(NvmFs fs, long dir, String path, Set<Long> masked, Map<String, String> out) throws Exception {
        for (DirEntry e : fs.readdir(dir, 0, Integer.MAX_VALUE)) {
            if (e.name().equals(".") || e.name().equals("..")) {
                continue;
            }
            String p = path + "/" + e.name();
            Stat st = fs.getattr(e.ino());
            out.put(p, mask("ino=" + e.ino() + " " + Consistency.describe(fs, e.ino(), st), masked));
            if (Mode.isDir(st.mode())) {
                walk(fs, e.ino(), p, masked, out);
            }
        }
    }
}
