package io.nvmfs.core;

import io.nvmfs.nvmpg.OutOfSpaceException;
import java.lang.foreign.MemorySegment;

/**
 * Brings an inode's overflow extent chain on the media up to its DRAM extent map, inside the
 * inode's commit.
 *
 * <p>A change touches few pages: a punch, a write into a hole, a truncate change the extents of
 * one logical range, and only the chain pages whose key range holds those extents change (pages
 * may be partly full, so nothing shifts into the next page). Those pages are rewritten in place
 * through the commit's transaction, so they change atomically with the inode record, and the
 * journal holds their later release back like any page a live record writes. Pages the change
 * needs beyond them are new, written and persisted before the commit (unreferenced until it);
 * pages it no longer needs are freed after it. The cost is that of the pages changed, not of the
 * chain: a 4 KiB punch in a file of 12,800 extents rewrote 51 pages before, one now.
 *
 * <p>Partly full pages need feature bit {@link FsSuperblockFormat#FEATURE_SPARSE_EXTENT_CHAINS},
 * which every read-write attach has ({@link FeatureUpgrade} adds it to older images before
 * anything is written). A change spanning more than {@link #MAX_IN_PLACE_PAGES} pages, or a chain
 * the DRAM map cannot be matched to, is written whole to new pages (packed full) and the old pages
 * freed after the commit — the copy-on-write of every chain before this writer.
 */
final class ExtentChainWriter {
    /** Most pages one commit rewrites through the journal (16 KiB of log); larger changes go copy-on-write. */
    static final int MAX_IN_PLACE_PAGES = 4;

    private ExtentChainWriter() {}

    /** The chain {@code n} has once {@code tx} commits; pages it stops using are queued on {@code after}. */
    static ExtentChain update(FsCore fs, Transaction tx, Inode n, FsCore.AfterCommit after) throws FsException {
        ExtentMap m = n.extents;
        ExtentChain old = n.extentChain;
        if (m.count() <= InodeFormat.INLINE_EXTENTS) {
            freeAll(fs, old, after);
            return ExtentChain.NONE;
        }
        if (old.length() == 0) {
            return rewriteWhole(fs, n, after);
        }
        if (m.changedLo() > m.changedHi()) {
            // No extent changed since the media matched: nothing to write, unless the two disagree.
            return old.extents() == m.count() ? old : rewriteWhole(fs, n, after);
        }
        int k1 = old.pageOf(m.changedLo());
        int k2 = old.pageOf(m.changedHi());
        int a;
        int b;
        while (true) {
            a = k1 == 0 ? 0 : m.ceilingIndex(old.firstKeys()[k1]);
            b = k2 + 1 < old.length() ? m.ceilingIndex(old.firstKeys()[k2 + 1]) : m.count();
            if (b > a) {
                break;
            }
            // The span lost every extent: take a neighbour in, so the span's first page stays
            // where it is (its predecessor's next, or the inode's head, need not change).
            if (k1 > 0) {
                k1--;
            } else {
                k2++;
            }
        }
        int extents = b - a;
        int j = (extents + ExtentPageFormat.PER_PAGE - 1) / ExtentPageFormat.PER_PAGE;
        if (j > MAX_IN_PLACE_PAGES) {
            return rewriteWhole(fs, n, after);
        }
        int span = k2 - k1 + 1;
        int reuse = Math.min(j, span);
        long[] target = new long[j];
        System.arraycopy(old.pages(), k1, target, 0, reuse);
        allocate(fs, n, target, reuse);
        long tailNext = k2 + 1 < old.length() ? old.page(k2 + 1) : 0;
        int[] counts = new int[j];
        long[] firstKeys = new long[j];
        int from = a;
        for (int t = 0; t < j; t++) {
            int c = extents / j + (t < extents % j ? 1 : 0);
            long next = t + 1 < j ? target[t + 1] : tailNext;
            if (t < reuse) {
                byte[] page = new byte[InodeCodec.extentPageBytes(c)];
                InodeCodec.encodeExtentPage(MemorySegment.ofArray(page), 0, n, from, c, next);
                tx.write(target[t] << 12, page);
            } else {
                InodeCodec.writeExtentPage(fs.seg, target[t], n, from, c, next);
                fs.media.persist(target[t] << 12, 4096);
            }
            counts[t] = c;
            firstKeys[t] = m.logical(from);
            from += c;
        }
        for (int t = reuse; t < span; t++) {
            after.free(fs.meta, old.page(k1 + t), 0);
        }
        return new ExtentChain(splice(old.pages(), k1, span, target), splice(old.counts(), k1, span, counts),
                splice(old.firstKeys(), k1, span, firstKeys));
    }

    /** Every extent to new pages, packed full; the old chain's pages are freed after the commit. */
    private static ExtentChain rewriteWhole(FsCore fs, Inode n, FsCore.AfterCommit after) throws FsException {
        int count = n.extents.count();
        int pages = (count + ExtentPageFormat.PER_PAGE - 1) / ExtentPageFormat.PER_PAGE;
        long[] chain = new long[pages];
        allocate(fs, n, chain, 0);
        int[] counts = new int[pages];
        long[] firstKeys = new long[pages];
        for (int i = pages - 1; i >= 0; i--) {
            int from = i * ExtentPageFormat.PER_PAGE;
            int c = Math.min(ExtentPageFormat.PER_PAGE, count - from);
            InodeCodec.writeExtentPage(fs.seg, chain[i], n, from, c, i + 1 < pages ? chain[i + 1] : 0);
            fs.media.persist(chain[i] << 12, 4096);
            counts[i] = c;
            firstKeys[i] = n.extents.logical(from);
        }
        freeAll(fs, n.extentChain, after);
        return new ExtentChain(chain, counts, firstKeys);
    }

    /** Fills {@code pages[from..]} with new metadata pages; on ENOSPC gives back those it took. */
    private static void allocate(FsCore fs, Inode n, long[] pages, int from) throws FsException {
        for (int i = from; i < pages.length; i++) {
            try {
                pages[i] = fs.allocate(fs.meta, 0);
            } catch (OutOfSpaceException e) {
                for (int k = from; k < i; k++) {
                    fs.freeQuietly(fs.meta, pages[k], 0);
                }
                throw new FsException(Errno.ENOSPC, "no page for the extent list of inode " + n.ino);
            }
        }
    }

    private static void freeAll(FsCore fs, ExtentChain chain, FsCore.AfterCommit after) {
        for (long p : chain.pages()) {
            after.free(fs.meta, p, 0);
        }
    }

    private static long[] splice(long[] a, int at, int removed, long[] inserted) {
        long[] out = new long[a.length - removed + inserted.length];
        System.arraycopy(a, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(a, at + removed, out, at + inserted.length, a.length - at - removed);
        return out;
    }

    private static int[] splice(int[] a, int at, int removed, int[] inserted) {
        int[] out = new int[a.length - removed + inserted.length];
        System.arraycopy(a, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(a, at + removed, out, at + inserted.length, a.length - at - removed);
        return out;
    }
}
