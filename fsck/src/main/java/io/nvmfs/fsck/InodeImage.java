package io.nvmfs.fsck;

import io.nvmfs.core.ExtentPageFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.Le;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One inode record copied out of the namespace, its extents as found, and the way back: a
 * repaired record is re-encoded (extents inline when they fit, else packed 254 to a page into the
 * extent pages it already had) with a fresh CRC. One instance is reused for every inode, so a
 * scan of a million inodes allocates nothing per inode.
 */
final class InodeImage {
    final byte[] bytes = new byte[InodeFormat.SIZE];
    final MemorySegment rec = MemorySegment.ofArray(bytes);
    int ino;
    long offset;
    /** Extents kept so far, in logical order: logical page and packed physical (page | order << 40). */
    final LongList logical = new LongList();
    final LongList packed = new LongList();
    /** Extent pages of the chain that passed their checks, in chain order. */
    final LongList chain = new LongList();
    /** Extents each page of {@link #chain} holds (set by {@link #readValidExtents}; pages may be partly full). */
    final LongList chainCounts = new LongList();
    /** Pages of the chain the re-encoded list uses (set by {@link #write}). */
    int chainUsed;

    void load(MemorySegment seg, int ino, long offset) {
        this.ino = ino;
        this.offset = offset;
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset, bytes, 0, InodeFormat.SIZE);
        logical.clear();
        packed.clear();
        chain.clear();
        chainCounts.clear();
        chainUsed = 0;
    }

    /** Reads the extents of a record pass 4 has already validated (or repaired): no checks. */
    void readValidExtents(MemorySegment seg) {
        long page = extentPage();
        if (page == 0) {
            for (int i = 0; i < extentCount(); i++) {
                logical.add(inlineLogical(i));
                packed.add(inlinePacked(i));
            }
            return;
        }
        while (page != 0) {
            chain.add(page);
            long at = page << 12;
            int c = seg.get(Le.INT, at + ExtentPageFormat.OFF_COUNT);
            chainCounts.add(c);
            for (int i = 0; i < c; i++) {
                long e = at + ExtentPageFormat.OFF_EXTENTS + 16L * i;
                logical.add(seg.get(Le.LONG, e));
                packed.add(seg.get(Le.LONG, e + 8));
            }
            page = seg.get(Le.LONG, at + ExtentPageFormat.OFF_NEXT);
        }
    }

    int mode() {
        return rec.get(Le.INT, InodeFormat.OFF_MODE);
    }

    void mode(int v) {
        rec.set(Le.INT, InodeFormat.OFF_MODE, v);
    }

    int nlink() {
        return rec.get(Le.INT, InodeFormat.OFF_NLINK);
    }

    void nlink(int v) {
        rec.set(Le.INT, InodeFormat.OFF_NLINK, v);
    }

    long size() {
        return rec.get(Le.LONG, InodeFormat.OFF_SIZE);
    }

    void size(long v) {
        rec.set(Le.LONG, InodeFormat.OFF_SIZE, v);
    }

    long pages() {
        return rec.get(Le.LONG, InodeFormat.OFF_PAGES);
    }

    void pages(long v) {
        rec.set(Le.LONG, InodeFormat.OFF_PAGES, v);
    }

    long parent() {
        return rec.get(Le.LONG, InodeFormat.OFF_PARENT);
    }

    void parent(long v) {
        rec.set(Le.LONG, InodeFormat.OFF_PARENT, v);
    }

    long extentPage() {
        return rec.get(Le.LONG, InodeFormat.OFF_EXTENT_PAGE);
    }

    int extentCount() {
        return rec.get(Le.INT, InodeFormat.OFF_EXTENTS);
    }

    /** The xattr field: page | order << 40 of the attribute block; 0 = none. */
    long xattrBlock() {
        return rec.get(Le.LONG, InodeFormat.OFF_XATTR_BLOCK);
    }

    void xattrBlock(long v) {
        rec.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, v);
    }

    long xattrPage() {
        return InodeFormat.physicalPage(xattrBlock());
    }

    int xattrOrder() {
        return InodeFormat.physicalOrder(xattrBlock());
    }

    /** Pages of the attribute block: 0 when there is none. */
    long xattrPages() {
        return xattrBlock() == 0 ? 0 : 1L << xattrOrder();
    }

    boolean crcMatches() {
        return InodeFormat.crcMatches(rec, 0);
    }

    long inlineLogical(int i) {
        return rec.get(Le.LONG, InodeFormat.OFF_INLINE + 16L * i);
    }

    long inlinePacked(int i) {
        return rec.get(Le.LONG, InodeFormat.OFF_INLINE + 16L * i + 8);
    }

    /** Pages the kept extents map. */
    long dataPages() {
        long n = 0;
        for (int i = 0; i < packed.size(); i++) {
            n += 1L << InodeFormat.physicalOrder(packed.get(i));
        }
        return n;
    }

    /** Extent pages the kept extents need once re-encoded. */
    int chainPagesNeeded() {
        int n = logical.size();
        return n <= InodeFormat.INLINE_EXTENTS ? 0 : (n + ExtentPageFormat.PER_PAGE - 1) / ExtentPageFormat.PER_PAGE;
    }

    /** Drops kept extent {@code i}. */
    void removeExtent(int i) {
        logical.remove(i);
        packed.remove(i);
    }

    /**
     * Re-encodes the kept extents and writes the record (and the extent pages it uses) back.
     * There are always enough chain pages: extents are only ever dropped, never added.
     */
    void write(MediaWriter w, MemorySegment seg) {
        int n = logical.size();
        rec.asSlice(InodeFormat.OFF_INLINE, 16L * InodeFormat.INLINE_EXTENTS).fill((byte) 0);
        rec.set(Le.INT, InodeFormat.OFF_EXTENTS, n);
        chainUsed = chainPagesNeeded();
        if (chainUsed == 0) {
            rec.set(Le.LONG, InodeFormat.OFF_EXTENT_PAGE, 0L);
            for (int i = 0; i < n; i++) {
                rec.set(Le.LONG, InodeFormat.OFF_INLINE + 16L * i, logical.get(i));
                rec.set(Le.LONG, InodeFormat.OFF_INLINE + 16L * i + 8, packed.get(i));
            }
        } else {
            if (chainUsed > chain.size()) {
                throw new IllegalStateException("inode " + ino + ": " + n + " extents need " + chainUsed
                        + " extent pages, only " + chain.size() + " are valid");
            }
            for (int p = 0; p < chainUsed; p++) {
                writeExtentPage(w, seg, p, n);
            }
            rec.set(Le.LONG, InodeFormat.OFF_EXTENT_PAGE, chain.get(0));
        }
        rec.set(Le.INT, InodeFormat.OFF_CRC, Le.crc32c(bytes, 0, InodeFormat.OFF_CRC));
        w.write(offset, bytes);
    }

    private void writeExtentPage(MediaWriter w, MemorySegment seg, int p, int n) {
        long page = chain.get(p);
        long at = page << 12;
        int from = p * ExtentPageFormat.PER_PAGE;
        int count = Math.min(ExtentPageFormat.PER_PAGE, n - from);
        long next = p + 1 < chainUsed ? chain.get(p + 1) : 0;
        w.beforeChange(at, 4096);
        seg.asSlice(at, 4096).fill((byte) 0);
        seg.set(Le.INT, at + ExtentPageFormat.OFF_MAGIC, ExtentPageFormat.MAGIC);
        seg.set(Le.INT, at + ExtentPageFormat.OFF_COUNT, count);
        seg.set(Le.LONG, at + ExtentPageFormat.OFF_NEXT, next);
        seg.set(Le.LONG, at + ExtentPageFormat.OFF_OWNER, ino);
        for (int i = 0; i < count; i++) {
            long e = at + ExtentPageFormat.OFF_EXTENTS + 16L * i;
            seg.set(Le.LONG, e, logical.get(from + i));
            seg.set(Le.LONG, e + 8, packed.get(from + i));
        }
        seg.set(Le.INT, at + ExtentPageFormat.OFF_CRC, ExtentPageFormat.crc(seg, at, count));
        w.persist(at, 4096);
    }
}
