package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NvmPagesTest {
    private static final long MIB = 1 << 20;
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void freshNamespaceHasOnlyTheAllocatorOwnerAndAllUsablePagesFree() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, 4 * MIB);
        assertEquals(List.of(pg.allocatorOwner()), pg.owners());
        assertEquals(1024 - 4, pg.freePages(), "all but page 0, two superblocks and the owner table");
        assertEquals(List.of(), pg.records(pg.allocatorOwner()));
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
        Invariants.assertFreeBlocksMaximal(pg);
    }

    @Test
    void allocatedBlocksAreAlignedDisjointAndRecordedUnderTheirOwner() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, 4 * MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        Owner b = pg.openOwner(UUID.randomUUID(), "b");
        List<Block> ofA = new ArrayList<>();
        List<Block> ofB = new ArrayList<>();
        for (int order = 0; order <= 5; order++) {
            ofA.add(new Block(pg.alloc(a, order), order));
            ofB.add(new Block(pg.alloc(b, order), order));
        }
        ofA.sort(null);
        ofB.sort(null);
        assertEquals(ofA, pg.records(a));
        assertEquals(ofB, pg.records(b));
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
        assertEquals(63, pg.stats().ownerPages().get(a));
    }

    @Test
    void reattachSeesTheSameOwnersRecordsRootsAndFreeState() throws Exception {
        Media media = TestMedia.zeroed(arena, 16 * MIB);
        NvmPages pg = NvmPages.format(media, FormatOptions.of("re"));
        Owner a = pg.openOwner(UUID.randomUUID(), "fs-data");
        for (int i = 0; i < 700; i++) {
            long p = pg.alloc(a, i % 3);
            if (i % 4 == 0) {
                pg.free(a, p, i % 3);
            }
        }
        pg.setRoot(a, 0xfeedL);
        NvmPages again = NvmPages.attach(media);
        assertEquals(pg.owners(), again.owners());
        assertEquals(pg.records(a), again.records(a));
        assertEquals(pg.records(pg.allocatorOwner()), again.records(again.allocatorOwner()));
        assertEquals(0xfeedL, again.root(a));
        assertArrayEquals(pg.freeBlocksByOrder(), again.freeBlocksByOrder());
        assertEquals(List.of(), again.attachRepairs());
    }

    @Test
    void openOwnerByUuidReturnsTheExistingOwner() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        UUID id = UUID.randomUUID();
        Owner first = pg.openOwner(id, "meta");
        assertEquals(first, pg.openOwner(id, "meta"));
        assertEquals(first, pg.findOwner(id).orElseThrow());
        assertTrue(pg.findOwner(UUID.randomUUID()).isEmpty());
    }

    @Test
    void ownerTableFullIsATypedError() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        for (int i = 1; i < 32; i++) {
            pg.openOwner(UUID.randomUUID(), "o" + i);
        }
        assertThrows(OwnerTableFullException.class, () -> pg.openOwner(UUID.randomUUID(), "one too many"));
    }

    @Test
    void labelsThatDoNotFitAreRejected() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        assertThrows(IllegalArgumentException.class, () -> pg.openOwner(UUID.randomUUID(), "x".repeat(32)));
        pg.openOwner(UUID.randomUUID(), "é".repeat(15));
    }

    @Test
    void outOfSpaceSaysWhatIsFree() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        OutOfSpaceException e = assertThrows(OutOfSpaceException.class, () -> pg.alloc(a, 9));
        assertEquals(9, e.requestedOrder());
        assertEquals(pg.freePages(), e.freePages());
        assertEquals(6, e.largestFreeOrder(), "[128, 192) is the largest aligned block of [3, 255)");
        assertTrue(e.getMessage().contains("largest free order 6"), e.getMessage());
    }

    @Test
    void fillingToTheLastPageThenFreeingRestoresTheFreshFreeState() throws Exception {
        Media media = TestMedia.zeroed(arena, MIB);
        NvmPages pg = NvmPages.format(media, FormatOptions.of("fill"));
        long[][] fresh = pg.freeBlocksByOrder();
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        List<Long> pages = new ArrayList<>();
        while (true) {
            try {
                pages.add(pg.alloc(a, 0));
            } catch (OutOfSpaceException e) {
                assertEquals(0, e.freePages());
                break;
            }
        }
        assertEquals(0, pg.freePages());
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
        for (long p : pages) {
            pg.free(a, p, 0);
        }
        assertArrayEquals(fresh, pg.freeBlocksByOrder());
        assertEquals(0, pg.stats().recordPages());
    }

    @Test
    void doubleFreeWrongOwnerAndWrongOrderAreRejectedWithoutDamage() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        Owner b = pg.openOwner(UUID.randomUUID(), "b");
        long p = pg.alloc(a, 2);
        assertThrows(InvalidBlockException.class, () -> pg.free(b, p, 2));
        assertThrows(InvalidBlockException.class, () -> pg.free(a, p, 1));
        pg.free(a, p, 2);
        InvalidBlockException e = assertThrows(InvalidBlockException.class, () -> pg.free(a, p, 2));
        assertTrue(e.getMessage().contains("not allocated"), e.getMessage());
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
    }

    @Test
    void releaseKeepsTheRestPageExactlyAndReturnsTheMiddleToTheFreePool() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, 4 * MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        long p = pg.alloc(a, 6);
        long before = pg.freePages();
        List<Block> kept = pg.release(a, p, 6, p + 5, 20);
        assertEquals(before + 20, pg.freePages());
        long keptPages = kept.stream().mapToLong(Block::pages).sum();
        assertEquals(64 - 20, keptPages);
        Set<Long> keptSet = new HashSet<>();
        for (Block b : kept) {
            for (long q = b.page(); q < b.end(); q++) {
                keptSet.add(q);
            }
        }
        for (long q = p; q < p + 64; q++) {
            assertEquals(q < p + 5 || q >= p + 25, keptSet.contains(q), "page " + q);
        }
        assertEquals(kept, pg.records(a));
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
        Invariants.assertFreeBlocksMaximal(pg);
    }

    @Test
    void releasingAWholeBlockIsAFree() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        long p = pg.alloc(a, 3);
        assertEquals(List.of(), pg.release(a, p, 3, p, 8));
        assertEquals(List.of(), pg.records(a));
        assertThrows(IllegalArgumentException.class, () -> pg.release(a, p, 3, p + 7, 2));
    }

    @Test
    void splitGivesTwoOwnedHalves() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        long p = pg.alloc(a, 4);
        List<Block> halves = pg.split(a, p, 4);
        assertEquals(List.of(new Block(p, 3), new Block(p + 8, 3)), halves);
        assertEquals(halves, pg.records(a));
        pg.free(a, p + 8, 3);
        assertThrows(InvalidBlockException.class, () -> pg.free(a, p, 4));
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
    }

    @Test
    void rootSlotIsPerOwnerAndSurvivesReattach() throws Exception {
        Media media = TestMedia.zeroed(arena, MIB);
        NvmPages pg = NvmPages.format(media, FormatOptions.of("root"));
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        Owner b = pg.openOwner(UUID.randomUUID(), "b");
        assertEquals(0, pg.root(a));
        pg.setRoot(a, 42);
        pg.setRoot(b, -1);
        NvmPages again = NvmPages.attach(media);
        assertEquals(42, again.root(a));
        assertEquals(-1, again.root(b));
    }

    @Test
    void readOnlyAttachRefusesChanges() throws Exception {
        Media media = TestMedia.zeroed(arena, MIB);
        NvmPages.format(media, FormatOptions.of("ro"));
        NvmPages ro = NvmPages.attachReadOnly(media);
        assertThrows(IllegalStateException.class, () -> ro.alloc(ro.allocatorOwner(), 0));
        assertThrows(IllegalStateException.class, () -> ro.openOwner(UUID.randomUUID(), "x"));
    }

    @Test
    void recordPagesGrowBeyondOnePageAndShrinkAgain() throws Exception {
        NvmPages pg = TestMedia.formatted(arena, 8 * MIB);
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 3 * RecordPageFormat.SLOTS; i++) {
            pages.add(pg.alloc(a, 0));
        }
        assertEquals(3, pg.stats().recordPages());
        for (int i = 0; i < 2 * RecordPageFormat.SLOTS; i++) {
            pg.free(a, pages.get(i), 0);
        }
        assertTrue(pg.stats().recordPages() <= 2, "at most one spare empty record page is kept");
        Invariants.assertRecordsAndFreeTileUsableSpace(pg);
    }

    @Test
    void unformattedNamespaceIsReportedAsSuch() {
        Media media = TestMedia.zeroed(arena, MIB);
        NotFormattedException e = assertThrows(NotFormattedException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().contains("not an nvmpg namespace"), e.getMessage());
    }

    @Test
    void firstPageIsNeverTouched() throws Exception {
        Media media = TestMedia.zeroed(arena, MIB);
        media.segment().asSlice(0, Pages.SIZE).fill((byte) 0x5a);
        NvmPages pg = NvmPages.format(media, FormatOptions.of("p0"));
        Owner a = pg.openOwner(UUID.randomUUID(), "a");
        for (int i = 0; i < 100; i++) {
            assertNotEquals(0, pg.alloc(a, 0));
        }
        for (int i = 0; i < Pages.SIZE; i++) {
            assertEquals(0x5a, media.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, i));
        }
        assertFalse(pg.records(a).stream().anyMatch(b -> b.page() < Layout.FIRST_USABLE_PAGE));
    }
}
