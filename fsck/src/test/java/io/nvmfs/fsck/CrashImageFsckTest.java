package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Caller;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * What a crash normally leaves — committed transactions in the journal, pages whose release the
 * crash cut off, a file unlinked while open — is recovery, not damage: {@code fsck -n} says so
 * and exits 0 (it used to exit 4 with JR04 and SP01 left "uncorrected"), {@code -p} performs it
 * and exits 1, and a full check after that is clean.
 */
class CrashImageFsckTest {
    private static final long SIZE = 32L << 20;

    /** A namespace as kill -9 leaves it: changes committed, the instance never detached. */
    private static MemorySegment crashedImage(Arena arena) throws Exception {
        MemorySegment img = arena.allocate(SIZE, 4096);
        Media media = Media.ofMemory(img, Persistence.NONE);
        Mkfs.format(media, "crash", 0, TimeSource.SYSTEM);
        NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
        long root = fs.root();
        long d = fs.mkdir(root, "d", 0755, Caller.ROOT).ino();
        for (int i = 0; i < 5; i++) {
            NvmFs.Created c = fs.create(d, "f" + i, 0644, 2 | 0100 /* O_RDWR | O_CREAT */, Caller.ROOT);
            byte[] b = new byte[9000 + i];
            fs.write(c.fh(), 0, MemorySegment.ofArray(b), 0, b.length);
            fs.release(c.fh());
        }
        fs.unlink(d, "f1");
        NvmFs.Created open = fs.create(root, "open-unlinked", 0644, 2 | 0100 /* O_RDWR | O_CREAT */, Caller.ROOT);
        fs.write(open.fh(), 0, MemorySegment.ofArray(new byte[20_000]), 0, 20_000);
        fs.unlink(root, "open-unlinked");
        return img;
    }

    private static int fsck(MemorySegment img, RepairMode mode, boolean force, StringBuilder out) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Media media = Media.ofMemory(img, Persistence.NONE);
        int exit;
        try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
            exit = Fsck.quiet(new Fsck.Options(mode, force, false, "img"), new PrintStream(bytes, true))
                    .run(media, mode == RepairMode.NO, w);
        }
        out.append(bytes);
        return exit;
    }

    @Test
    void aCrashImageChecksCleanWithNAndIsRecoveredWithP() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment img = crashedImage(arena);
            MemorySegment copy = arena.allocate(SIZE, 4096);
            copy.copyFrom(img);
            StringBuilder n = new StringBuilder();
            assertEquals(ExitCode.CLEAN, fsck(copy, RepairMode.NO, false, n), n.toString());
            assertTrue(n.toString().contains("JR04 "), "the journal's committed transactions are reported:\n" + n);
            assertTrue(n.toString().contains("the next mount does this"), n.toString());
            assertTrue(n.toString().contains("what a crash leaves"), n.toString());

            StringBuilder p = new StringBuilder();
            assertEquals(ExitCode.CORRECTED, fsck(img, RepairMode.PREEN, false, p), p.toString());
            StringBuilder again = new StringBuilder();
            assertEquals(ExitCode.CLEAN, fsck(img, RepairMode.NO, true, again), again.toString());
        }
    }

    @Test
    void theSameFindingsOnACleanlyDetachedNamespaceAreDamage() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment img = crashedImage(arena);
            // Marked clean although the journal still holds records: not what a crash leaves.
            Media media = Media.ofMemory(img, Persistence.NONE);
            io.nvmfs.nvmpg.NvmPages pg = io.nvmfs.nvmpg.NvmPages.attachReadOnly(media);
            long sbPage = pg.root(pg.findOwner(io.nvmfs.core.Owners.meta(pg.superblock().uuid())).orElseThrow());
            img.set(io.nvmfs.core.Le.LONG, (sbPage << 12) + io.nvmfs.core.FsSuperblockFormat.OFF_CLEAN, 1L);
            StringBuilder n = new StringBuilder();
            assertEquals(ExitCode.UNCORRECTED, fsck(img, RepairMode.NO, true, n), n.toString());
        }
    }
}
