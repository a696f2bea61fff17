package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files mapped through FFM: sizes far past 2 GiB, persistence through msync, user errors. */
class NamespaceTest {
    private static final long TIB = 1L << 40;

    @TempDir
    Path dir;

    @Test
    void oneTebibyteSparseNamespaceFormatsAllocatesAcrossItAndReattaches() throws Exception {
        Path img = dir.resolve("huge.img");
        List<Block> blocks = new ArrayList<>();
        UUID owner = UUID.randomUUID();
        long[][] freeBefore;
        try (Namespace ns = Namespace.create(img, TIB)) {
            assertEquals(TIB, ns.size());
            NvmPages pg = NvmPages.format(ns.media(), FormatOptions.of("tib"));
            assertEquals((TIB >> Pages.SHIFT) - 4, pg.freePages());
            Owner o = pg.openOwner(owner, "spread");
            // Big blocks first, so later small ones land far into the namespace too. Order 26 (256 GiB) is
            // the largest a 1 TiB namespace has: page 0 and the backup superblock break both halves.
            for (int order : new int[] {26, 26, 25, 20, 9, 0, 0, 3}) {
                blocks.add(new Block(pg.alloc(o, order), order));
            }
            assertTrue(blocks.stream().anyMatch(b -> Pages.toBytes(b.page()) > TIB / 2), "some block lies past 512 GiB");
            for (Block b : blocks) {
                ns.media().segment().set(Media.LONG, Pages.toBytes(b.page()), b.page() ^ 0x5555L);
                ns.media().persist(Pages.toBytes(b.page()), 8);
            }
            freeBefore = pg.freeBlocksByOrder();
        }
        assertEquals(TIB, Files.size(img));
        Process stat = new ProcessBuilder("stat", "-c", "%b", img.toString()).start();
        long diskBytes = Long.parseLong(new String(stat.getInputStream().readAllBytes()).trim()) * 512;
        assertTrue(diskBytes < (64L << 20), "the namespace stays sparse: " + diskBytes + " bytes on disk");
        try (Namespace ns = Namespace.open(img)) {
            NvmPages pg = NvmPages.attach(ns.media());
            Owner o = pg.findOwner(owner).orElseThrow();
            List<Block> sorted = new ArrayList<>(blocks);
            sorted.sort(null);
            assertEquals(sorted, pg.records(o));
            assertArrayEquals(freeBefore, pg.freeBlocksByOrder());
            for (Block b : blocks) {
                assertEquals(b.page() ^ 0x5555L, ns.media().segment().get(Media.LONG, Pages.toBytes(b.page())));
            }
            Invariants.assertRecordsAndFreeTileUsableSpace(pg);
        }
    }

    @Test
    void regularFileIsMappedWithMsyncAndSaysSo() throws Exception {
        try (Namespace ns = Namespace.create(dir.resolve("small.img"), 1 << 20)) {
            // The test machines have no DAX filesystem; on one, this would be MAP_SYNC.
            assertEquals(MappingMode.MSYNC, ns.mode());
            assertEquals("msync", ns.mode().description());
        }
    }

    @Test
    void missingNamespaceSaysHowToCreateOne() {
        NamespaceOpenException e = assertThrows(NamespaceOpenException.class, () -> Namespace.open(dir.resolve("nope.img")));
        assertTrue(e.getMessage().contains("no such file") && e.getMessage().contains("nvmfs mkfs"), e.getMessage());
    }

    @Test
    void directoryIsNotANamespace() {
        NamespaceOpenException e = assertThrows(NamespaceOpenException.class, () -> Namespace.open(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void tooSmallIsRefusedBothWays() throws Exception {
        assertThrows(NamespaceOpenException.class, () -> Namespace.create(dir.resolve("tiny.img"), 4096));
        Path tiny = dir.resolve("tiny2.img");
        Files.write(tiny, new byte[8192]);
        NamespaceOpenException e = assertThrows(NamespaceOpenException.class, () -> Namespace.open(tiny));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }

    @Test
    void createMakesTheFileReadableAndWritableByItsOwnerOnly() throws Exception {
        Path img = dir.resolve("private.img");
        try (Namespace ns = Namespace.create(img, 1 << 20)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(img)));
        }
    }

    @Test
    void createRefusesToOverwrite() throws Exception {
        Path img = dir.resolve("exists.img");
        Files.write(img, new byte[1 << 20]);
        NamespaceOpenException e = assertThrows(NamespaceOpenException.class, () -> Namespace.create(img, 1 << 20));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void unformattedFileIsReportedAsNotFormatted() throws Exception {
        try (Namespace ns = Namespace.create(dir.resolve("blank.img"), 1 << 20)) {
            assertThrows(NotFormattedException.class, () -> NvmPages.attach(ns.media()));
        }
    }

    @Test
    void recordsSurviveUnmapAndRemap() throws Exception {
        Path img = dir.resolve("remap.img");
        List<Block> made = new ArrayList<>();
        UUID id = UUID.randomUUID();
        try (Namespace ns = Namespace.create(img, 16 << 20)) {
            NvmPages pg = NvmPages.format(ns.media(), FormatOptions.of("remap"));
            Owner o = pg.openOwner(id, "o");
            for (int i = 0; i < 1000; i++) {
                made.add(new Block(pg.alloc(o, i % 3), i % 3));
            }
        }
        try (Namespace ns = Namespace.open(img)) {
            NvmPages pg = NvmPages.attach(ns.media());
            made.sort(null);
            assertEquals(made, pg.records(pg.findOwner(id).orElseThrow()));
        }
    }
}
