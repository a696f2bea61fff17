package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 256-byte inode record and its overflow extent pages ({@link InodeFormat},
 * {@link ExtentPageFormat}): every field survives encode and decode, extents inline up to
 * {@link InodeFormat#INLINE_EXTENTS} and in a chain past that, and decode refuses, as
 * {@link CorruptFsException}, a record whose checksum fails or any field it validates.
 */
class InodeCodecTest {
    private static final long NS_PAGES = 64;
    private static final long INO = 1234;
    /** Where the record sits: the second record of page 1. */
    private static final long OFF = 4096 + InodeFormat.SIZE;
    /** Extent pages of a chain, in order. */
    private static final long[] CHAIN = {40, 41, 42};

    private final MemorySegment media = MemorySegment.ofArray(new byte[(int) (NS_PAGES * 4096)]);

    /** An inode with every field set to something unlike its neighbours, and no extent. */
    private static Inode sample() {
        Inode n = new Inode(INO);
        n.mode = Mode.S_IFREG | 04755;
        n.nlink = 3;
        n.uid = 1001;
        n.gid = -2; // nfsnobody's 4294967294 as a u32
        n.size = 5_000_000_123L;
        long[] secs = {1_700_000_001L, -1L, 4_102_444_800L, 86_400L};
        int[] nsecs = {999_999_999, 0, 1, 500_000_000};
        for (int t = 0; t < 4; t++) {
            n.sec[t] = secs[t];
            n.nsec[t] = nsecs[t];
        }
        n.rdev = 0x0123_4567_89ab_cdefL;
        n.generation = 0x8000_0001;
        n.parent = 77;
        n.xattrBlock = InodeFormat.packPhysical(48, 4);
        n.keepEnd = 1_234_567;
        return n;
    }

    /** {@code count} extents of one page each, two logical pages apart, on physical pages 1..32. */
    private static Inode withExtents(int count) {
        Inode n = sample();
        for (int i = 0; i < count; i++) {
            n.extents.insert(2L * i, 1 + (i % 32), 0);
        }
        return n;
    }

    /** Writes {@code n}'s extents into chain pages as FsCore does, then its record. */
    private void store(Inode n) {
        int count = n.extents.count();
        if (count > InodeFormat.INLINE_EXTENTS) {
            int pages = (count + ExtentPageFormat.PER_PAGE - 1) / ExtentPageFormat.PER_PAGE;
            int[] counts = new int[pages];
            long[] firstKeys = new long[pages];
            for (int i = 0; i < pages; i++) {
                int from = i * ExtentPageFormat.PER_PAGE;
                counts[i] = Math.min(ExtentPageFormat.PER_PAGE, count - from);
                firstKeys[i] = n.extents.logical(from);
                InodeCodec.writeExtentPage(media, CHAIN[i], n, from, Math.min(ExtentPageFormat.PER_PAGE, count - from),
                        i + 1 < pages ? CHAIN[i + 1] : 0);
            }
            n.extentChain = new ExtentChain(Arrays.copyOf(CHAIN, pages), counts, firstKeys);
        }
        storeRecord(InodeCodec.encode(n));
    }

    private void storeRecord(byte[] rec) {
        MemorySegment.copy(MemorySegment.ofArray(rec), 0, media, OFF, rec.length);
    }

    private Inode decode() throws CorruptFsException {
        return InodeCodec.decode(media, OFF, INO, NS_PAGES);
    }

    /** Stores {@code n}, lets {@code edit} change its record bytes, and fixes the record's CRC after the edit. */
    private void storeEdited(Inode n, Consumer<MemorySegment> edit) {
        store(n);
        MemorySegment rec = media.asSlice(OFF, InodeFormat.SIZE);
        edit.accept(rec);
        rec.set(Le.INT, InodeFormat.OFF_CRC, Le.crc32c(rec, 0, InodeFormat.OFF_CRC));
    }

    /** Lets {@code edit} change extent page {@code page} (its bytes from 0), then fixes the page's CRC. */
    private void editExtentPage(long page, Consumer<MemorySegment> edit) {
        MemorySegment p = media.asSlice(page << 12, 4096);
        edit.accept(p);
        int c = Math.max(0, Math.min(ExtentPageFormat.PER_PAGE, p.get(Le.INT, ExtentPageFormat.OFF_COUNT)));
        p.set(Le.INT, ExtentPageFormat.OFF_CRC, ExtentPageFormat.crc(p, 0, c));
    }

    private String rejected() {
        return assertThrows(CorruptFsException.class, this::decode).getMessage();
    }

    private static void assertSameInode(Inode want, Inode got) {
        assertEquals(want.ino, got.ino);
        assertEquals(want.mode, got.mode, "mode");
        assertEquals(want.nlink, got.nlink, "nlink");
        assertEquals(want.uid, got.uid, "uid");
        assertEquals(want.gid, got.gid, "gid");
        assertEquals(want.size, got.size, "size");
        assertArrayEquals(want.sec, got.sec, "seconds");
        assertArrayEquals(want.nsec, got.nsec, "nanoseconds");
        assertEquals(want.rdev, got.rdev, "rdev");
        assertEquals(want.generation, got.generation, "generation");
        assertEquals(want.parent, got.parent, "parent");
        assertEquals(want.xattrBlock, got.xattrBlock, "xattr block");
        assertEquals(want.keepEnd, got.keepEnd, "keep_end");
        assertArrayEquals(want.extentChain.pages(), got.extentChain.pages(), "extent chain");
        assertArrayEquals(want.extentChain.counts(), got.extentChain.counts(), "extents per chain page");
        assertArrayEquals(want.extentChain.firstKeys(), got.extentChain.firstKeys(), "first key per chain page");
        assertEquals(want.extents.count(), got.extents.count(), "extent count");
        for (int i = 0; i < want.extents.count(); i++) {
            assertEquals(want.extents.logical(i), got.extents.logical(i), "logical page of extent " + i);
            assertEquals(want.extents.physical(i), got.extents.physical(i), "physical page of extent " + i);
            assertEquals(want.extents.order(i), got.extents.order(i), "order of extent " + i);
        }
        assertEquals(want.pages(), got.pages(), "pages");
    }

    @Test
    void everyFieldSurvivesEncodeAndDecode() throws Exception {
        Inode n = sample();
        n.extents.insert(0, 16, 4);
        n.extents.insert(32, 8, 3);
        n.extents.insert(1L << 32, 1, 0); // a logical page of a 16 TiB file
        store(n);
        Inode back = decode();
        assertSameInode(n, back);
        assertFalse(back.metaDirty);
        assertFalse(back.extentsDirty);
    }

    @Test
    void theRecordLaysFieldsOutAsInodeFormatSays() {
        Inode n = withExtents(2);
        byte[] rec = InodeCodec.encode(n);
        assertEquals(InodeFormat.SIZE, rec.length);
        MemorySegment s = MemorySegment.ofArray(rec);
        assertEquals(n.mode, s.get(Le.INT, 0));
        assertEquals(n.size, s.get(Le.LONG, 16));
        assertEquals(2 + 16, s.get(Le.LONG, 24), "pages held: two one-page extents and the 16-page xattr block");
        assertEquals(InodeFormat.packPhysical(48, 4), s.get(Le.LONG, 120), "the xattr block: page | order << 40");
        assertEquals(n.sec[Inode.CTIME], s.get(Le.LONG, 32 + 16));
        assertEquals(n.nsec[Inode.BTIME], s.get(Le.INT, 64 + 12));
        assertEquals(0, s.get(Le.LONG, 104), "no extent page: extents inline");
        assertEquals(2, s.get(Le.INT, 112));
        assertEquals(2, s.get(Le.LONG, 128 + 16), "second inline extent: logical page");
        assertEquals(InodeFormat.packPhysical(2, 0), s.get(Le.LONG, 128 + 24), "second inline extent: physical | order");
        assertEquals(n.keepEnd, s.get(Le.LONG, 240));
        assertEquals(0, s.get(Le.INT, 92), "flags");
        assertEquals(0, s.get(Le.INT, 116), "reserved");
        assertEquals(0, s.get(Le.INT, 248), "reserved");
        assertEquals(Le.crc32c(rec, 0, 252), s.get(Le.INT, 252));
        assertTrue(InodeFormat.crcMatches(s, 0));
    }

    @Test
    void physicalPageAndOrderPackIntoTheirBits() {
        long packed = InodeFormat.packPhysical((1L << 40) - 1, 63);
        assertEquals((1L << 40) - 1, InodeFormat.physicalPage(packed));
        assertEquals(63, InodeFormat.physicalOrder(packed));
        assertEquals(0, packed >>> 46, "nothing above bit 45");
        assertEquals(12345, InodeFormat.physicalPage(InodeFormat.packPhysical(12345, 30)));
        assertEquals(30, InodeFormat.physicalOrder(InodeFormat.packPhysical(12345, 30)));
    }

    @ParameterizedTest(name = "{0} extents")
    @ValueSource(ints = {0, 1, InodeFormat.INLINE_EXTENTS, InodeFormat.INLINE_EXTENTS + 1, ExtentPageFormat.PER_PAGE,
            ExtentPageFormat.PER_PAGE + 1, 2 * ExtentPageFormat.PER_PAGE + 7})
    void extentsRoundTripInlineUpToSevenAndThroughTheChainPastThat(int count) throws Exception {
        Inode n = withExtents(count);
        store(n);
        MemorySegment rec = media.asSlice(OFF, InodeFormat.SIZE);
        boolean inline = count <= InodeFormat.INLINE_EXTENTS;
        assertEquals(inline ? 0 : CHAIN[0], rec.get(Le.LONG, InodeFormat.OFF_EXTENT_PAGE));
        Inode back = decode();
        assertSameInode(n, back);
        assertEquals(inline ? 0 : (count + ExtentPageFormat.PER_PAGE - 1) / ExtentPageFormat.PER_PAGE,
                back.extentChain.length());
    }

    @Test
    void aDirectoryAndEveryFileTypeDecode() throws Exception {
        int[] types = {Mode.S_IFSOCK, Mode.S_IFLNK, Mode.S_IFREG, Mode.S_IFBLK, Mode.S_IFDIR, Mode.S_IFCHR, Mode.S_IFIFO};
        for (int type : types) {
            Inode n = sample();
            n.mode = type | 0700;
            store(n);
            assertEquals(type | 0700, decode().mode);
        }
    }

    @Test
    void aFlippedBitAnywhereInTheRecordIsACorruptRecord() {
        Inode n = withExtents(3);
        store(n);
        byte[] good = InodeCodec.encode(n);
        for (int bit = 0; bit < InodeFormat.SIZE * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            storeRecord(bad);
            String m = assertThrows(CorruptFsException.class, this::decode, "bit " + bit).getMessage();
            assertTrue(m.startsWith("inode " + INO + ": record checksum mismatch"), m);
        }
    }

    @Test
    void anAllZeroRecordIsRejected() {
        // Free record slots are zero; a zero CRC is not the CRC of zeros.
        assertTrue(rejected().contains("checksum"));
    }

    @Test
    void aModeOfNoPosixTypeIsRejected() {
        for (int t = 0; t < 16; t++) {
            int type = t << 12;
            storeEdited(sample(), r -> r.set(Le.INT, InodeFormat.OFF_MODE, type | 0644));
            if (Mode.validType(type)) {
                assertDoesNotThrow(this::decode, "type 0" + Integer.toOctalString(type));
            } else {
                assertTrue(rejected().contains("invalid mode"), "type 0" + Integer.toOctalString(type));
            }
        }
    }

    @Test
    void aNegativeSizeIsRejected() {
        storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_SIZE, -1L));
        assertTrue(rejected().contains("size -1"));
    }

    @Test
    void aNegativeExtentCountIsRejected() {
        storeEdited(sample(), r -> r.set(Le.INT, InodeFormat.OFF_EXTENTS, -1));
        assertTrue(rejected().contains("extent count -1"));
    }

    @Test
    void moreThanSevenExtentsWithoutAChainAreRejected() {
        storeEdited(withExtents(InodeFormat.INLINE_EXTENTS), r -> r.set(Le.INT, InodeFormat.OFF_EXTENTS, 8));
        assertTrue(rejected().contains("extent count 8"));
    }

    @Test
    void anXattrPageOutsideTheNamespaceIsRejected() throws Exception {
        storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, NS_PAGES - 1));
        assertEquals(NS_PAGES - 1, decode().xattrPage(), "the last page is inside (a version 1 page: order 0)");
        storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, 0L));
        assertEquals(0, decode().xattrBlock, "0 = none");
        for (long bad : new long[] {NS_PAGES, -1, Long.MIN_VALUE}) {
            storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, bad));
            assertTrue(rejected().contains("xattr block"), "xattr field " + bad);
        }
    }

    @Test
    void anXattrBlockIsAnAlignedBlockOfOrderZeroToEightInsideTheNamespace() throws Exception {
        long lastHalf = NS_PAGES / 2;
        storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, InodeFormat.packPhysical(lastHalf, 5)));
        Inode n = decode();
        assertEquals(lastHalf, n.xattrPage(), "page");
        assertEquals(5, n.xattrOrder(), "order");
        assertEquals(32, n.xattrPages(), "pages");
        long[] bad = {
            InodeFormat.packPhysical(256, 8),            // past the end of a 64-page namespace
            InodeFormat.packPhysical(512, 9),            // order 9: larger than a block may be
            InodeFormat.packPhysical(24, 4),             // page 24 is not a multiple of 16
            InodeFormat.packPhysical(0, 3),              // page 0 is never a block
            InodeFormat.packPhysical(64, 2) | 1L << 46,  // bits above the order
        };
        for (long ref : bad) {
            storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, ref));
            assertTrue(rejected().contains("xattr block"), "xattr field 0x" + Long.toHexString(ref));
        }
    }

    @Test
    void aNegativeKeepEndReadsAsNoReservation() throws Exception {
        storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_KEEP_END, -5L));
        assertEquals(0, decode().keepEnd);
    }

    /** One inline extent as {@code (logical, packed physical)}: decode must refuse it. */
    private void assertInlineExtentRejected(long logical, long packed) {
        Inode n = withExtents(1);
        storeEdited(n, r -> {
            r.set(Le.LONG, InodeFormat.OFF_INLINE, logical);
            r.set(Le.LONG, InodeFormat.OFF_INLINE + 8, packed);
        });
        String m = rejected();
        assertTrue(m.contains("invalid extent"), logical + " / " + Long.toHexString(packed) + ": " + m);
    }

    private void assertInlineExtentAccepted(long logical, long packed) {
        Inode n = withExtents(1);
        storeEdited(n, r -> {
            r.set(Le.LONG, InodeFormat.OFF_INLINE, logical);
            r.set(Le.LONG, InodeFormat.OFF_INLINE + 8, packed);
        });
        assertDoesNotThrow(this::decode, logical + " / " + Long.toHexString(packed));
    }

    @Test
    void anExtentWithBitsSetAboveTheOrderIsRejected() {
        for (int bit = 46; bit < 64; bit++) {
            assertInlineExtentRejected(0, InodeFormat.packPhysical(8, 0) | (1L << bit));
        }
    }

    @Test
    void anExtentOfOrderAbove30IsRejected() {
        assertInlineExtentRejected(0, InodeFormat.packPhysical(8, 31));
        assertInlineExtentRejected(0, InodeFormat.packPhysical(8, 63));
    }

    @Test
    void anExtentMustBeAlignedToItsOrderOnBothSides() {
        assertInlineExtentAccepted(16, InodeFormat.packPhysical(16, 4));
        assertInlineExtentRejected(8, InodeFormat.packPhysical(16, 4));
        assertInlineExtentRejected(16, InodeFormat.packPhysical(8, 4));
        assertInlineExtentRejected(1, InodeFormat.packPhysical(2, 1));
        assertInlineExtentRejected(2, InodeFormat.packPhysical(3, 1));
    }

    @Test
    void anExtentAtANegativeLogicalPageIsRejected() {
        assertInlineExtentRejected(-1, InodeFormat.packPhysical(8, 0));
        assertInlineExtentRejected(Long.MIN_VALUE, InodeFormat.packPhysical(8, 0));
    }

    @Test
    void anExtentMustLieInsideTheNamespaceAndNotAtPageZero() {
        assertInlineExtentRejected(0, InodeFormat.packPhysical(0, 0));
        assertInlineExtentAccepted(0, InodeFormat.packPhysical(NS_PAGES - 1, 0));
        assertInlineExtentRejected(0, InodeFormat.packPhysical(NS_PAGES, 0));
        assertInlineExtentAccepted(0, InodeFormat.packPhysical(NS_PAGES - 16, 4));
        assertInlineExtentRejected(0, InodeFormat.packPhysical(NS_PAGES, 4));
        assertInlineExtentRejected(0, InodeFormat.packPhysical(0, 6)); // 64 pages from 0: page 0 and all
        assertInlineExtentRejected(0, InodeFormat.packPhysical(1L << 30, 30));
    }

    @Test
    void extentsOutOfOrderOrOverlappingAreRejected() {
        long[][] pairs = {
            {8, 4}, // second starts before the first
            {8, 8}, // same start
            {8, 9}, // second starts inside the first [8, 10)
        };
        for (long[] p : pairs) {
            Inode n = withExtents(2);
            storeEdited(n, r -> {
                r.set(Le.LONG, InodeFormat.OFF_INLINE, p[0]);
                r.set(Le.LONG, InodeFormat.OFF_INLINE + 8, InodeFormat.packPhysical(2, 1));
                r.set(Le.LONG, InodeFormat.OFF_INLINE + 16, p[1]);
                r.set(Le.LONG, InodeFormat.OFF_INLINE + 24, InodeFormat.packPhysical(5, 0));
            });
            String m = rejected();
            assertTrue(m.contains("out of order or overlapping"), p[0] + ", " + p[1] + ": " + m);
        }
        Inode n = withExtents(2);
        storeEdited(n, r -> { // touching: [8, 10) then [10, 11)
            r.set(Le.LONG, InodeFormat.OFF_INLINE, 8);
            r.set(Le.LONG, InodeFormat.OFF_INLINE + 8, InodeFormat.packPhysical(2, 1));
            r.set(Le.LONG, InodeFormat.OFF_INLINE + 16, 10);
            r.set(Le.LONG, InodeFormat.OFF_INLINE + 24, InodeFormat.packPhysical(5, 0));
        });
        assertDoesNotThrow(this::decode);
    }

    @Test
    void aChainHeadOutsideTheNamespaceIsRejected() {
        for (long bad : new long[] {NS_PAGES, -1}) {
            storeEdited(withExtents(20), r -> r.set(Le.LONG, InodeFormat.OFF_EXTENT_PAGE, bad));
            assertTrue(rejected().contains("outside the namespace"), "head " + bad);
        }
    }

    @Test
    void anExtentPageWithoutItsMagicIsRejected() {
        store(withExtents(20));
        editExtentPage(CHAIN[0], p -> p.set(Le.INT, ExtentPageFormat.OFF_MAGIC, 0x50545846));
        assertTrue(rejected().contains("bad extent page header"));
    }

    @Test
    void anExtentPageOfAnotherInodeIsRejected() {
        store(withExtents(20));
        editExtentPage(CHAIN[0], p -> p.set(Le.LONG, ExtentPageFormat.OFF_OWNER, INO + 1));
        assertTrue(rejected().contains("bad extent page header"));
    }

    @Test
    void anExtentPageCountOutsideOneTo254IsRejected() {
        for (int bad : new int[] {0, -1, ExtentPageFormat.PER_PAGE + 1}) {
            store(withExtents(20));
            editExtentPage(CHAIN[0], p -> p.set(Le.INT, ExtentPageFormat.OFF_COUNT, bad));
            assertTrue(rejected().contains("bad extent page header"), "count " + bad);
        }
    }

    @Test
    void anExtentPageHoldingMoreThanTheInodeSaysIsRejected() {
        storeEdited(withExtents(20), r -> r.set(Le.INT, InodeFormat.OFF_EXTENTS, 19));
        assertTrue(rejected().contains("bad extent page header"));
    }

    @Test
    void anExtentPageWhoseChecksumFailsIsRejected() {
        store(withExtents(20));
        long at = CHAIN[0] << 12;
        for (long off : new long[] {ExtentPageFormat.OFF_NEXT, ExtentPageFormat.OFF_EXTENTS + 16L * 19 + 8}) {
            media.set(Le.LONG, at + off, media.get(Le.LONG, at + off) ^ 0x100);
            assertTrue(rejected().contains("extent page checksum mismatch"), "offset " + off);
            media.set(Le.LONG, at + off, media.get(Le.LONG, at + off) ^ 0x100);
        }
        assertDoesNotThrow(this::decode);
    }

    @Test
    void aChainShorterThanTheExtentCountIsRejected() {
        // Two pages' worth of extents, but the first page says it is the last.
        store(withExtents(ExtentPageFormat.PER_PAGE + 3));
        editExtentPage(CHAIN[0], p -> p.set(Le.LONG, ExtentPageFormat.OFF_NEXT, 0L));
        String why = rejected();
        assertTrue(why.contains("extent chain holds " + ExtentPageFormat.PER_PAGE + " extents, inode says "
                + (ExtentPageFormat.PER_PAGE + 3)), why);
    }

    @Test
    void aChainLongerThanTheExtentCountIsRejected() {
        store(withExtents(20));
        InodeCodec.writeExtentPage(media, CHAIN[1], withExtents(1), 0, 1, 0);
        editExtentPage(CHAIN[0], p -> p.set(Le.LONG, ExtentPageFormat.OFF_NEXT, CHAIN[1]));
        assertTrue(rejected().contains("extent chain holds 20 extents, inode says 20"));
    }

    @Test
    void anEmptyChainIsRejected() {
        // Head page set, count 0: nothing to read, but the head is not 0 either.
        storeEdited(sample(), r -> r.set(Le.LONG, InodeFormat.OFF_EXTENT_PAGE, CHAIN[0]));
        assertTrue(rejected().contains("extent chain holds 0 extents"));
    }

    @Test
    void anInvalidOrMisorderedExtentInTheChainIsRejected() {
        store(withExtents(20));
        editExtentPage(CHAIN[0], p -> p.set(Le.LONG, ExtentPageFormat.OFF_EXTENTS + 16L * 5 + 8, 0L));
        assertTrue(rejected().contains("invalid extent"));
        store(withExtents(ExtentPageFormat.PER_PAGE + 3));
        // The first extent of the second page goes back before the last of the first.
        editExtentPage(CHAIN[1], p -> p.set(Le.LONG, ExtentPageFormat.OFF_EXTENTS, 2L));
        assertTrue(rejected().contains("out of order or overlapping"));
    }

    @ParameterizedTest(name = "extent count {0}")
    @ValueSource(ints = {1 << 20, Integer.MAX_VALUE - ExtentPageFormat.PER_PAGE, Integer.MAX_VALUE})
    void aHugeExtentCountWithAChainIsACorruptRecordNotACrash(int count) {
        storeEdited(withExtents(20), r -> r.set(Le.INT, InodeFormat.OFF_EXTENTS, count));
        String m = rejected();
        assertTrue(m.startsWith("inode " + INO), m);
    }
}
