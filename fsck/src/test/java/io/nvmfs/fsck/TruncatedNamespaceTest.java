package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Mkfs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.Persistence;
import io.nvmfs.nvmpg.PrivateMapping;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A namespace file truncated under fsck: one line and exit 8, never a JVM stack trace or "corrected". */
class TruncatedNamespaceTest {
    @TempDir
    Path tmp;

    @Test
    void aFaultOnTheMappingEndsTheCheckWithExit8() throws Exception {
        Path img = tmp.resolve("ns.img");
        long size = 32L << 20;
        try (Namespace ns = Namespace.create(img, size)) {
            Mkfs.format(ns.media(), "t", 0, TimeSource.SYSTEM);
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = PrivateMapping.map(img, size, arena);
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(64 * 4096); // everything past the first 64 pages faults from now on
            }
            Media media = Media.ofMemory(seg, Persistence.NONE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit;
            try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
                exit = Fsck.quiet(new Fsck.Options(RepairMode.NO, true, false, "ns.img"), new PrintStream(out, true))
                        .run(media, true, w);
            }
            assertEquals(ExitCode.OPERATIONAL, exit, out.toString());
            assertTrue(out.toString().contains("was the file truncated while fsck ran?"), out.toString());
        }
    }
}
