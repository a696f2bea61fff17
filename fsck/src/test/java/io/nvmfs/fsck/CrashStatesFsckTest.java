package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nvmfs.core.CrashExplorer;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crash explorer's seq-1 with more oracles, on every crash image as a power failure left it
 * (before any mount replays it): {@code fsck -n -f} finds nothing but what a crash normally leaves
 * (exit 0); {@code fsck -p} recovers it (exit 0 or 1); and {@code fsck -n -f} after that is clean.
 * (The explorer then attaches the image fsck recovered and checks it too.) fsck and the mount's
 * attach must agree about what a crash image is and how to recover it.
 */
class CrashStatesFsckTest {
    private static final MemorySegment COPY = Arena.global().allocate(CrashExplorer.IMAGE_BYTES, 4096);

    private static String fsckProblem(MemorySegment image) {
        COPY.copyFrom(image);
        String n = fsck(COPY, RepairMode.NO, ExitCode.CLEAN, ExitCode.CLEAN, "fsck -n -f");
        if (n != null) {
            return n;
        }
        String p = fsck(image, RepairMode.PREEN, ExitCode.CLEAN, ExitCode.CORRECTED, "fsck -p -f");
        return p != null ? p : fsck(image, RepairMode.NO, ExitCode.CLEAN, ExitCode.CLEAN, "fsck -n -f after fsck -p");
    }

    private static String fsck(MemorySegment image, RepairMode mode, int okExit, int alsoOk, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Media media = Media.ofMemory(image, Persistence.NONE);
        try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
            int exit = Fsck.quiet(new Fsck.Options(mode, true, false, "crash"), new PrintStream(bytes, true))
                    .run(media, mode == RepairMode.NO, w);
            return exit == okExit || exit == alsoOk ? null : what + " exit " + exit + ":\n" + bytes;
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void fsckFindsEveryCrashStateOfSeq1Clean() {
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            CrashExplorer x = new CrashExplorer(arena, 2, 2, 7, CrashStatesFsckTest::fsckProblem);
            x.exploreSeq1();
            System.out.printf("crash explorer seq-1 with fsck -n: %d workloads, %d crash states, %d failures, %.1f s%n",
                    x.workloads(), x.states(), x.failures().size(), (System.nanoTime() - start) / 1e9);
            assertEquals(List.of(), x.failures().subList(0, Math.min(3, x.failures().size())),
                    x.failures().size() + " crash states failed");
        }
    }

    /** The same oracles over extent-chain pages changed in place (fsck reads partly full pages too). */
    @Test
    void fsckFindsEveryCrashStateOfTheChainOperationsClean() {
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            CrashExplorer x = new CrashExplorer(arena, 2, 2, 7, CrashStatesFsckTest::fsckProblem);
            x.exploreCheapChainSeq1();
            System.out.printf("crash explorer chain seq-1 with fsck -n: %d workloads, %d crash states, %d failures, %.1f s%n",
                    x.workloads(), x.states(), x.failures().size(), (System.nanoTime() - start) / 1e9);
            assertEquals(List.of(), x.failures().subList(0, Math.min(3, x.failures().size())),
                    x.failures().size() + " crash states failed");
        }
    }
}
