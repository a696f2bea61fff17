package io.nvmfs.fsck;

import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.Mode;
import io.nvmfs.nvmpg.Pages;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pass 4b — blocks claimed twice.
 *
 * <p>Contract: on return {@code claims} is sorted by page and no two claims overlap. Where two
 * did, the stronger keeps the block (a record page; then the superblock, chunks and journal; then
 * a claim that matches an nvmpg record of its owner exactly; then the lower inode number) and the
 * block is dropped from the other inode, whose record is rewritten (a directory that loses a page
 * is cut back before it). System structures never overlap here: {@link SystemOverlap} settled that.
 */
final class DuplicateBlockPass {
    private DuplicateBlockPass() {}

    static void run(CheckState st) {
        st.records.sort();
        LongList claims = st.claims;
        claims.sort();
        BitSet dropped = new BitSet(claims.size());
        Map<Integer, LongList> lost = new TreeMap<>();
        int cur = -1;
        long curEnd = -1;
        for (int i = 0; i < claims.size(); i++) {
            long c = claims.get(i);
            if (cur >= 0 && Claim.page(c) < curEnd) {
                long k = claims.get(cur);
                boolean curWins = strength(st, k) >= strength(st, c);
                int loser = curWins ? i : cur;
                long lc = curWins ? c : k;
                long wc = curWins ? k : c;
                dropped.set(loser);
                if (reportDrop(st, lc, wc) && Claim.isInode(lc)) {
                    lost.computeIfAbsent(Claim.claimant(lc), x -> new LongList()).add(lc);
                }
                if (!curWins) {
                    cur = i;
                    curEnd = Claim.end(c);
                }
                continue;
            }
            cur = i;
            curEnd = Claim.end(c);
        }
        for (Map.Entry<Integer, LongList> e : lost.entrySet()) {
            rewrite(st, e.getKey(), e.getValue(), dropped);
        }
        int kept = 0; // compacted in place: a copy would be one more long per block
        for (int i = 0; i < claims.size(); i++) {
            if (!dropped.get(i)) {
                claims.set(kept++, claims.get(i));
            }
        }
        claims.truncate(kept);
    }

    /** True if the loser's inode is to be rewritten without the block. */
    private static boolean reportDrop(CheckState st, long loser, long winner) {
        String detail = "page " + Pages.hex(Claim.page(loser)) + " order " + Claim.order(loser) + ", also claimed by "
                + Claim.describe(winner);
        return st.report.problem(Problem.IN15, Claim.describe(loser), detail);
    }

    /** Record pages, then system structures, then claims an nvmpg record confirms, then lower inode numbers. */
    private static long strength(CheckState st, long c) {
        int id = Claim.claimant(c);
        if (id == Claim.RECORD_PAGE) {
            return 4L << 32;
        }
        if (!Claim.isInode(c)) {
            return 3L << 32;
        }
        int slot = Claim.meta(c) ? st.metaSlot : st.dataSlot;
        boolean recorded = slot >= 0 && st.records.search(Rec.of(Claim.page(c), Claim.order(c), slot)) >= 0;
        return ((recorded ? 2L : 1L) << 32) + (Integer.MAX_VALUE - id);
    }

    /** Drops the lost blocks from the inode's (already valid) record and rewrites it. */
    private static void rewrite(CheckState st, int ino, LongList lostClaims, BitSet dropped) {
        InodeImage img = new InodeImage();
        img.load(st.seg, ino, st.inodeOffset(ino));
        img.readValidExtents(st.seg);
        boolean dir = Mode.isDir(img.mode());
        for (int j = 0; j < lostClaims.size(); j++) {
            long c = lostClaims.get(j);
            long page = Claim.page(c);
            if (isXattrClaim(img, c)) {
                img.xattrBlock(0);
                continue;
            }
            int chainIndex = indexOf(img.chain, page);
            if (chainIndex >= 0 && Claim.meta(c) && Claim.order(c) == 0) {
                // The extents this page held cannot be trusted to be anyone's: drop them with it.
                int from = 0;
                for (int p = 0; p < chainIndex; p++) {
                    from += (int) img.chainCounts.get(p);
                }
                int to = Math.min(img.logical.size(), from + (int) img.chainCounts.get(chainIndex));
                for (int i = to - 1; i >= from; i--) {
                    img.removeExtent(i);
                }
                img.chain.remove(chainIndex);
                img.chainCounts.remove(chainIndex);
                continue;
            }
            for (int i = 0; i < img.logical.size(); i++) {
                long p = img.packed.get(i);
                if (InodeFormat.physicalPage(p) == page && InodeFormat.physicalOrder(p) == Claim.order(c)) {
                    img.removeExtent(i);
                    break;
                }
            }
        }
        if (dir) {
            InodePass.checkDirectoryShape(st, img, "inode " + ino);
        } else if (Mode.isLink(img.mode()) && InodePass.symlinkProblem(img) != null) {
            // The block it lost held the target: the same check as pass 4's, on what is left.
            if (st.report.problem(Problem.IN11, "inode " + ino, InodePass.symlinkProblem(img))) {
                st.writer.zero(img.offset, InodeFormat.SIZE);
                st.type[ino] = 0;
                for (int i = 0; i < st.claims.size(); i++) {
                    if (Claim.claimant(st.claims.get(i)) == ino) {
                        dropped.set(i);
                    }
                }
                return;
            }
        }
        img.pages(img.dataPages() + img.chainPagesNeeded() + img.xattrPages());
        img.write(st.writer, st.seg);
        // Claims of this inode no longer used (cut directory pages, spare extent pages) are dropped too.
        for (int i = 0; i < st.claims.size(); i++) {
            long c = st.claims.get(i);
            if (Claim.claimant(c) != ino || dropped.get(i)) {
                continue;
            }
            if (!stillUsed(img, c)) {
                dropped.set(i);
            }
        }
        if (dir) {
            st.dirPages.put(ino, InodePass.pagesInOrder(img));
        }
    }

    private static boolean stillUsed(InodeImage img, long c) {
        long page = Claim.page(c);
        if (isXattrClaim(img, c)) {
            return true;
        }
        for (int i = 0; i < img.chainUsed; i++) {
            if (img.chain.get(i) == page) {
                return true;
            }
        }
        for (int i = 0; i < img.logical.size(); i++) {
            long p = img.packed.get(i);
            if (InodeFormat.physicalPage(p) == page && InodeFormat.physicalOrder(p) == Claim.order(c)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code c} is the claim of {@code img}'s attribute block (of any order). */
    private static boolean isXattrClaim(InodeImage img, long c) {
        return img.xattrBlock() != 0 && Claim.meta(c) && Claim.page(c) == img.xattrPage() && Claim.order(c) == img.xattrOrder();
    }

    private static int indexOf(LongList l, long v) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) == v) {
                return i;
            }
        }
        return -1;
    }
}
