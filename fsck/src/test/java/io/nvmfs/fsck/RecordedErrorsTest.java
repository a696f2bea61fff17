package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.Persistence;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * A namespace on which a mount recorded corruption is checked fully even when marked clean and
 * without -f (it used to print "clean" and exit 0 over damage the mount had refused), and a
 * repairing run that leaves nothing uncorrected clears the record.
 */
class RecordedErrorsTest {
    private static int fsck(MemorySegment img, RepairMode mode, StringBuilder out) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Media media = Media.ofMemory(img, Persistence.NONE);
        try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
            int exit = Fsck.quiet(new Fsck.Options(mode, false, false, "img"), new PrintStream(bytes, true))
                    .run(media, mode == RepairMode.NO, w);
            out.append(bytes);
            return exit;
        }
    }

    @Test
    void recordedCorruptionForcesAFullCheckAndIsClearedByTheRepair() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment img = arena.allocate(16L << 20, 4096);
            Media media = Media.ofMemory(img, Persistence.NONE);
            Mkfs.format(media, "e", 0, TimeSource.SYSTEM);
            NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
            fs.mkdir(fs.root(), "d", 0755, Caller.ROOT);
            fs.close();
            NvmPages pg = NvmPages.attachReadOnly(media);
            long sb = pg.root(pg.findOwner(io.nvmfs.core.Owners.meta(pg.superblock().uuid())).orElseThrow()) << 12;
            // Damage a mount found and recorded, on a namespace marked clean: a wrong link count.
            long root = img.get(Le.LONG, FsSuperblockFormat.chunkSlot(sb, 0)) << 12;
            long rootRecord = root + io.nvmfs.core.InodeFormat.SIZE;
            img.set(Le.INT, rootRecord + io.nvmfs.core.InodeFormat.OFF_NLINK, 7);
            img.set(Le.INT, rootRecord + io.nvmfs.core.InodeFormat.OFF_CRC,
                    Le.crc32c(img, rootRecord, io.nvmfs.core.InodeFormat.OFF_CRC));
            StringBuilder quiet = new StringBuilder();
            assertEquals(ExitCode.CLEAN, fsck(img, RepairMode.YES, quiet), "without a record, clean is trusted: " + quiet);
            img.set(Le.LONG, sb + FsSuperblockFormat.OFF_ERRORS, 2L);
            StringBuilder out = new StringBuilder();
            assertEquals(ExitCode.CORRECTED, fsck(img, RepairMode.YES, out), out.toString());
            assertTrue(out.toString().contains("recorded 2 corruption events while mounted: checking fully"), out.toString());
            assertTrue(out.toString().contains("LC01"), out.toString());
            assertEquals(0, img.get(Le.LONG, sb + FsSuperblockFormat.OFF_ERRORS), "cleared by the repair");
            StringBuilder again = new StringBuilder();
            assertEquals(ExitCode.CLEAN, fsck(img, RepairMode.NO, again), again.toString());
        }
    }
}
