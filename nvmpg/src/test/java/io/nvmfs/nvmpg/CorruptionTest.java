package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Damaged metadata: attach must either report a typed error naming what and where, or repair
 * what the design allows (a superblock copy) and then show exactly the original contents. It
 * must never throw anything else, loop, or accept a silently different namespace.
 */
class CorruptionTest {
    private static final long SIZE = 4L << 20;

    private final Arena arena = Arena.ofConfined();
    private Media media;
    private MemorySegment pristine;
    private Snapshot original;
    private Owner data;
    private Owner meta;
    private List<Long> metadataPages;

    @BeforeEach
    void build() throws Exception {
        media = TestMedia.zeroed(arena, SIZE);
        NvmPages pg = NvmPages.format(media, FormatOptions.of("corrupt-me"));
        data = pg.openOwner(UUID.randomUUID(), "fs-data");
        meta = pg.openOwner(UUID.randomUUID(), "fs-meta");
        Random rnd = new Random(7);
        for (int i = 0; i < 600; i++) {
            pg.alloc(data, rnd.nextInt(100) < 90 ? 0 : 2);
        }
        for (int i = 0; i < 40; i++) {
            pg.alloc(meta, rnd.nextInt(3));
        }
        pg.setRoot(meta, 99);
        original = Snapshot.of(pg);
        metadataPages = new ArrayList<>(List.of(Layout.PRIMARY_SUPERBLOCK_PAGE, Layout.OWNER_TABLE_PAGE,
                pg.superblock().backupPage()));
        for (Block rp : pg.records(pg.allocatorOwner())) {
            metadataPages.add(rp.page());
        }
        pristine = arena.allocate(SIZE, Pages.SIZE);
        pristine.copyFrom(media.segment());
    }

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyFlippedMetadataByteIsReportedOrRepairedNeverMisread() {
        Random rnd = new Random(11);
        MemorySegment s = media.segment();
        int[] outcomes = new int[3]; // error, repaired, harmless
        for (long page : metadataPages) {
            for (int b = 0; b < Pages.SIZE; b++) {
                if (isRootSlot(page, b)) {
                    continue; // the root slot is the owner's own word: the owner validates what it points to
                }
                long off = Pages.toBytes(page) + b;
                byte flip = (byte) (1 + rnd.nextInt(255));
                s.set(ValueLayout.JAVA_BYTE, off, (byte) (s.get(ValueLayout.JAVA_BYTE, off) ^ flip));
                String what = "byte " + b + " of page " + Pages.hex(page) + " xor " + (flip & 0xff);
                int outcome;
                try {
                    NvmPages pg = NvmPages.attach(media);
                    Snapshot seen = Snapshot.of(pg);
                    if (!seen.equals(original)) {
                        fail(what + ": attach accepted a different namespace:\n  " + seen + "\n  " + original);
                    }
                    Invariants.assertRecordsAndFreeTileUsableSpace(pg);
                    outcome = pg.attachRepairs().isEmpty() ? 2 : 1;
                } catch (CorruptNamespaceException | NotFormattedException e) {
                    assertFalse(e.getMessage().isBlank());
                    outcome = 0;
                } catch (Throwable t) {
                    throw new AssertionError(what + ": attach threw " + t, t);
                } finally {
                    for (long p : metadataPages) {
                        s.asSlice(Pages.toBytes(p), Pages.SIZE).copyFrom(pristine.asSlice(Pages.toBytes(p), Pages.SIZE));
                    }
                }
                if (isChecked(page, b) == (outcome == 2)) {
                    fail(what + ": " + (outcome == 2 ? "a checked byte changed nothing" : "an unchecked reserved byte mattered")
                            + " (outcome " + outcome + ")");
                }
                outcomes[outcome]++;
            }
        }
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, java.util.Arrays.toString(outcomes));
    }

    private static boolean isRootSlot(long page, int b) {
        int inSlot = b % OwnerTableFormat.SLOT_SIZE;
        return page == Layout.OWNER_TABLE_PAGE && inSlot >= OwnerTableFormat.OFF_ROOT && inSlot < OwnerTableFormat.OFF_ROOT + 8;
    }

    /** Bytes some checksum, check bits or validation covers; the rest is reserved space attach never reads. */
    private boolean isChecked(long page, int b) {
        if (page == Layout.PRIMARY_SUPERBLOCK_PAGE || page == media.pages() - 1) {
            return b < SuperblockFormat.SIZE;
        }
        if (page == Layout.OWNER_TABLE_PAGE) {
            int slot = b / OwnerTableFormat.SLOT_SIZE;
            int inSlot = b % OwnerTableFormat.SLOT_SIZE;
            boolean live = slot < 3;
            return live ? inSlot < 80 : inSlot < 8;
        }
        return b < 20 || (b >= 24 && b < 32) || b >= RecordPageFormat.HEADER_SIZE;
    }

    @Test
    void overlappingRecordIsNamedWithBothOwners() throws Exception {
        NvmPages pg = NvmPages.attach(media);
        Block victim = pg.records(meta).get(0);
        RecordPage rp = firstRecordPageOf(pg, data);
        int slot = firstFreeSlot(rp);
        long off = RecordPageFormat.slotOffset(rp.page, slot);
        media.putLong(off, RecordWord.encode(victim.page(), victim.order(), data.slot()));
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().matches("record page 0x[0-9a-f]+ slot \\d+: block 0x[0-9a-f]+ order \\d overlaps block 0x[0-9a-f]+"
                + " order \\d of owner '(fs-meta|fs-data)'.*"), e.getMessage());
    }

    @Test
    void chainLoopIsReportedNotFollowed() throws Exception {
        NvmPages pg = NvmPages.attach(media);
        RecordPage rp = firstRecordPageOf(pg, data);
        media.putLong(RecordPageFormat.nextOffset(rp.page), LinkWord.encode(rp.page, rp.page));
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().contains("revisits"), e.getMessage());
    }

    @Test
    void blockBeyondTheNamespaceIsReported() throws Exception {
        NvmPages pg = NvmPages.attach(media);
        RecordPage rp = firstRecordPageOf(pg, meta);
        long off = RecordPageFormat.slotOffset(rp.page, firstFreeSlot(rp));
        media.putLong(off, RecordWord.encode(1L << 30, 3, meta.slot()));
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().contains("outside the buddy space"), e.getMessage());
    }

    @Test
    void misalignedBlockIsReported() throws Exception {
        NvmPages pg = NvmPages.attach(media);
        RecordPage rp = firstRecordPageOf(pg, meta);
        long off = RecordPageFormat.slotOffset(rp.page, firstFreeSlot(rp));
        media.putLong(off, RecordWord.encode(1001, 2, meta.slot()));
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().contains("not aligned"), e.getMessage());
    }

    @Test
    void recordCopiedIntoAnotherOwnersPageFailsItsCheckBits() throws Exception {
        NvmPages pg = NvmPages.attach(media);
        RecordPage metaPage = firstRecordPageOf(pg, meta);
        RecordPage dataPage = firstRecordPageOf(pg, data);
        long word = media.getLong(RecordPageFormat.slotOffset(metaPage.page, 0));
        media.putLong(RecordPageFormat.slotOffset(dataPage.page, firstFreeSlot(dataPage)), word);
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().contains("check bits"), e.getMessage());
    }

    @Test
    void bothSuperblocksBadIsAnErrorNotAGuess() {
        media.segment().set(ValueLayout.JAVA_BYTE, Pages.toBytes(Layout.PRIMARY_SUPERBLOCK_PAGE) + 40, (byte) 1);
        media.segment().set(ValueLayout.JAVA_BYTE, Pages.toBytes(media.pages() - 1) + 40, (byte) 1);
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(media));
        assertTrue(e.getMessage().startsWith("superblock at 0x1000: checksum mismatch"), e.getMessage());
    }

    @Test
    void badPrimaryIsRestoredFromTheBackup() throws Exception {
        media.segment().set(ValueLayout.JAVA_BYTE, Pages.toBytes(Layout.PRIMARY_SUPERBLOCK_PAGE) + 33, (byte) 7);
        NvmPages pg = NvmPages.attach(media);
        assertEquals(1, pg.attachRepairs().size());
        assertTrue(pg.attachRepairs().get(0).startsWith("primary superblock rewritten"), pg.attachRepairs().get(0));
        assertEquals(List.of(), NvmPages.attach(media).attachRepairs());
        assertEquals(original, Snapshot.of(pg));
    }

    @Test
    void truncatedNamespaceIsReported() throws Exception {
        Media shorter = Media.ofMemory(media.segment().asSlice(0, SIZE / 2), Persistence.NONE);
        CorruptNamespaceException e = assertThrows(CorruptNamespaceException.class, () -> NvmPages.attach(shorter));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    private static RecordPage firstRecordPageOf(NvmPages pg, Owner owner) throws Exception {
        java.lang.reflect.Field f = NvmPages.class.getDeclaredField("owners");
        f.setAccessible(true);
        return ((OwnerState[]) f.get(pg))[owner.slot()].chainHead;
    }

    private static int firstFreeSlot(RecordPage rp) {
        int s = rp.firstFree();
        if (s < 0) {
            throw new AssertionError("record page " + rp.page + " is full");
        }
        return s;
    }
}
