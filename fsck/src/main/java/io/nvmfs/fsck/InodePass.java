package io.nvmfs.fsck;

import io.nvmfs.core.ExtentPageFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.InodeTable;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mode;
import io.nvmfs.core.XattrBlockFormat;
import io.nvmfs.nvmpg.Pages;
import java.util.HashSet;
import java.util.Set;

/**
 * Pass 4 — inodes and extent maps.
 *
 * <p>Contract: on return (repairs accepted) every inode record in the table is free (mode 0) or
 * has a valid type, a valid CRC, a sorted, non-overlapping list of aligned extents inside the
 * allocatable space whose count field matches, a valid extent-page chain and xattr block (or
 * none: a version 1 page or a version 2 block of any order, checked by fs-core's own
 * {@code XattrBlockFormat.problem}), a size its type allows, and a page count equal to the pages
 * it holds; the root is a directory. Each inode's extents, extent pages and whole xattr block
 * are claimed in {@code claims};
 * {@code type}, {@code nlink}, {@code parent} and {@code dirPages} describe the table for the
 * passes after. Whether two inodes claim the same block is settled by {@link DuplicateBlockPass}.
 */
final class InodePass {
    /** Files are at most 16 TiB (fs-core's MAX_SIZE): logical pages below 2^32. */
    static final long MAX_LOGICAL = 1L << 32;

    private InodePass() {}

    static void run(CheckState st, long nowSeconds) {
        int capacity = (int) st.inodeCapacity;
        st.type = new byte[capacity];
        st.nlink = new int[capacity];
        st.parent = new int[capacity];
        long zeroOff = st.chunkPage[0] << 12;
        if (st.seg.get(Le.INT, zeroOff + InodeFormat.OFF_MODE) != 0 && st.report.problem(Problem.IN03, "inode 0", null)) {
            st.writer.zero(zeroOff, InodeFormat.SIZE);
        }
        InodeImage img = new InodeImage();
        Set<Long> chainSeen = new HashSet<>();
        st.progress.start(4, "Pass 4: inodes", capacity);
        for (int ino = 1; ino < capacity; ino++) {
            st.progress.tick(ino);
            long off = st.inodeOffset(ino);
            int mode = st.seg.get(Le.INT, off + InodeFormat.OFF_MODE);
            if (mode == 0) {
                if (ino == InodeTable.ROOT) {
                    recreateRoot(st, "root inode is free", nowSeconds);
                }
                continue;
            }
            if (!Mode.validType(mode) || (mode & ~(Mode.S_IFMT | Mode.PERMS)) != 0) {
                if (ino == InodeTable.ROOT) {
                    recreateRoot(st, "invalid mode 0" + Integer.toOctalString(mode), nowSeconds);
                } else if (st.report.problem(Problem.IN02, "inode " + ino, "mode 0" + Integer.toOctalString(mode))) {
                    st.writer.zero(off, InodeFormat.SIZE);
                }
                continue;
            }
            if (ino == InodeTable.ROOT && !Mode.isDir(mode)) {
                recreateRoot(st, "mode 0" + Integer.toOctalString(mode), nowSeconds);
                continue;
            }
            img.load(st.seg, ino, off);
            checkInode(st, img, chainSeen);
        }
        st.progress.end();
    }

    private static void recreateRoot(CheckState st, String detail, long now) {
        if (!st.report.problem(Problem.IN13, "inode 1", detail)) {
            return;
        }
        InodeImage img = new InodeImage();
        img.load(st.seg, (int) InodeTable.ROOT, st.inodeOffset(InodeTable.ROOT));
        img.rec.fill((byte) 0);
        img.mode(Mode.S_IFDIR | 0755);
        img.nlink(2);
        img.parent(InodeTable.ROOT);
        for (int t = 0; t < 4; t++) {
            img.rec.set(Le.LONG, InodeFormat.OFF_SEC + 8L * t, now);
        }
        img.write(st.writer, st.seg);
        st.type[1] = (byte) (Mode.S_IFDIR >>> 12);
        st.nlink[1] = 2;
        st.parent[1] = 1;
        st.dirPages.put(1, new long[0]);
    }

    private static void checkInode(CheckState st, InodeImage img, Set<Long> chainSeen) {
        int ino = img.ino;
        String who = "inode " + ino;
        int mode = img.mode();
        boolean dir = Mode.isDir(mode);
        boolean crcOk = img.crcMatches();
        boolean change = false;

        change |= readExtents(st, img, who, chainSeen);
        if (img.xattrBlock() != 0) {
            String bad = xattrProblem(st, img.xattrBlock());
            if (bad != null && st.report.problem(Problem.IN08, who, "page " + Pages.hex(img.xattrPage())
                    + (img.xattrOrder() == 0 ? "" : " order " + img.xattrOrder()) + ": " + bad)) {
                img.xattrBlock(0);
                change = true;
            }
        }
        int fileType = mode & Mode.S_IFMT;
        if (fileType == Mode.S_IFREG && (img.size() < 0 || img.size() > MAX_LOGICAL << 12)) {
            int n = img.logical.size();
            long end = n == 0 ? 0 : (img.logical.get(n - 1) + (1L << InodeFormat.physicalOrder(img.packed.get(n - 1)))) << 12;
            if (st.report.problem(Problem.IN16, who, "size " + img.size())) {
                img.size(end);
                change = true;
            }
        }
        if (dir) {
            change |= checkDirectoryShape(st, img, who);
        } else if (fileType == Mode.S_IFLNK) {
            String bad = symlinkProblem(img);
            if (bad != null && st.report.problem(Problem.IN11, who, bad)) {
                st.writer.zero(img.offset, InodeFormat.SIZE);
                return;
            }
        } else if (fileType != Mode.S_IFREG && (img.logical.size() > 0 || img.size() != 0 || img.extentPage() != 0)) {
            if (st.report.problem(Problem.IN12, who, "size " + img.size() + ", " + img.logical.size() + " extents")) {
                img.logical.clear();
                img.packed.clear();
                img.size(0);
                change = true;
            }
        }
        if (!dir && img.parent() != 0 && st.report.problem(Problem.IN14, who, "parent " + img.parent())) {
            img.parent(0);
            change = true;
        }
        long held = img.dataPages() + (change ? img.chainPagesNeeded() : img.chain.size()) + img.xattrPages();
        if (img.pages() != held && st.report.problem(Problem.IN09, who, "says " + img.pages() + ", holds " + held)) {
            img.pages(held);
            change = true;
        }
        if (!crcOk && !change) {
            change = st.report.problem(Problem.IN01, who, null);
        }
        int chainPages = img.chain.size();
        if (change) {
            img.write(st.writer, st.seg);
            chainPages = img.chainUsed;
        }
        record(st, img, dir, chainPages);
    }

    /** Notes the inode for later passes and claims its blocks. */
    static void record(CheckState st, InodeImage img, boolean dir, int chainPages) {
        int ino = img.ino;
        st.type[ino] = (byte) ((img.mode() & Mode.S_IFMT) >>> 12);
        st.nlink[ino] = img.nlink();
        long parent = img.parent();
        st.parent[ino] = parent > 0 && parent < st.inodeCapacity ? (int) parent : 0;
        for (int i = 0; i < img.logical.size(); i++) {
            long p = img.packed.get(i);
            st.claims.add(Claim.of(InodeFormat.physicalPage(p), InodeFormat.physicalOrder(p), dir, ino));
        }
        for (int i = 0; i < chainPages; i++) {
            st.claims.add(Claim.of(img.chain.get(i), 0, true, ino));
        }
        if (img.xattrBlock() != 0) {
            st.claims.add(Claim.of(img.xattrPage(), img.xattrOrder(), true, ino));
        }
        if (dir) {
            st.dirPages.put(ino, pagesInOrder(img));
        }
    }

    static long[] pagesInOrder(InodeImage img) {
        long[] pages = new long[(int) img.dataPages()];
        int k = 0;
        for (int i = 0; i < img.logical.size(); i++) {
            long p = img.packed.get(i);
            long first = InodeFormat.physicalPage(p);
            for (long j = 0; j < 1L << InodeFormat.physicalOrder(p); j++) {
                pages[k++] = first + j;
            }
        }
        return pages;
    }

    /**
     * Reads the inline extents or the chain into {@code img}, keeping the valid ones. Returns true
     * when a repair the record must be rewritten for was accepted.
     */
    private static boolean readExtents(CheckState st, InodeImage img, String who, Set<Long> chainSeen) {
        boolean change = false;
        int count = img.extentCount();
        long first = img.extentPage();
        int found = 0;
        if (first == 0) {
            int n = Math.max(0, Math.min(count, InodeFormat.INLINE_EXTENTS));
            for (int i = 0; i < n; i++) {
                found++;
                change |= addExtent(st, img, who, img.inlineLogical(i), img.inlinePacked(i));
            }
        } else {
            chainSeen.clear();
            long page = first;
            while (page != 0) {
                String bad = extentPageProblem(st, img.ino, page, chainSeen);
                if (bad != null) {
                    if (st.report.problem(Problem.IN07, who, "page " + Pages.hex(page) + ": " + bad)) {
                        change = true;
                    }
                    break;
                }
                chainSeen.add(page);
                img.chain.add(page);
                long at = page << 12;
                int c = st.seg.get(Le.INT, at + ExtentPageFormat.OFF_COUNT);
                for (int i = 0; i < c; i++) {
                    long e = at + ExtentPageFormat.OFF_EXTENTS + 16L * i;
                    found++;
                    change |= addExtent(st, img, who, st.seg.get(Le.LONG, e), st.seg.get(Le.LONG, e + 8));
                }
                page = st.seg.get(Le.LONG, at + ExtentPageFormat.OFF_NEXT);
            }
        }
        if (found != count && !change
                && st.report.problem(Problem.IN06, who, "says " + count + ", found " + found)) {
            change = true;
        }
        if (!change && img.chain.size() != img.chainPagesNeeded()
                && !io.nvmfs.core.FsSuperblockFormat.sparseExtentChains(st.seg, st.sb)) {
            // Valid pages, but not packed as fs-core reads them without SPARSE_EXTENT_CHAINS
            // (254 to a page, no spare page). With it, any page may be partly full.
            change = st.report.problem(Problem.IN06, who, img.chain.size() + " extent pages for " + img.logical.size() + " extents");
        }
        return change;
    }

    private static String extentPageProblem(CheckState st, int ino, long page, Set<Long> seen) {
        if (!st.inBuddySpace(page, 0)) {
            return "outside the allocatable space";
        }
        if (seen.contains(page)) {
            return "linked twice";
        }
        long at = page << 12;
        int c = st.seg.get(Le.INT, at + ExtentPageFormat.OFF_COUNT);
        if (st.seg.get(Le.INT, at + ExtentPageFormat.OFF_MAGIC) != ExtentPageFormat.MAGIC
                || c < 1 || c > ExtentPageFormat.PER_PAGE) {
            return "bad header";
        }
        if (st.seg.get(Le.LONG, at + ExtentPageFormat.OFF_OWNER) != ino) {
            return "belongs to inode " + st.seg.get(Le.LONG, at + ExtentPageFormat.OFF_OWNER);
        }
        if (st.seg.get(Le.INT, at + ExtentPageFormat.OFF_CRC) != ExtentPageFormat.crc(st.seg, at, c)) {
            return "checksum mismatch";
        }
        return null;
    }

    /** Keeps the extent if it is valid and follows the last kept one; returns true if a drop was accepted. */
    private static boolean addExtent(CheckState st, InodeImage img, String who, long logical, long packed) {
        long phys = InodeFormat.physicalPage(packed);
        int order = InodeFormat.physicalOrder(packed);
        boolean valid = (packed >>> 46) == 0 && order <= Pages.MAX_ORDER && logical >= 0 && logical < MAX_LOGICAL
                && (logical & ((1L << order) - 1)) == 0 && st.inBuddySpace(phys, order);
        if (!valid) {
            return st.report.problem(Problem.IN04, who, "logical " + logical + " -> page " + Pages.hex(phys) + " order " + order);
        }
        int n = img.logical.size();
        if (n > 0) {
            long prevEnd = img.logical.get(n - 1) + (1L << InodeFormat.physicalOrder(img.packed.get(n - 1)));
            if (logical < prevEnd) {
                return st.report.problem(Problem.IN05, who, "logical " + logical + " after an extent ending at " + prevEnd);
            }
        }
        img.logical.add(logical);
        img.packed.add(packed);
        return false;
    }

    /** Null if a symlink's record is valid (target of 1..4095 bytes in its first page), else what is wrong. */
    static String symlinkProblem(InodeImage img) {
        long size = img.size();
        boolean mapped = img.logical.size() > 0 && img.logical.get(0) == 0;
        return size >= 1 && size <= 4095 && mapped ? null : "size " + size + (mapped ? "" : ", no data");
    }

    /** A directory's pages cover logical pages 0..n-1 without a hole, and its size is n pages. */
    static boolean checkDirectoryShape(CheckState st, InodeImage img, String who) {
        boolean change = false;
        long expect = 0;
        int keep = 0;
        while (keep < img.logical.size() && img.logical.get(keep) == expect) {
            expect += 1L << InodeFormat.physicalOrder(img.packed.get(keep));
            keep++;
        }
        long pages = expect;
        if (keep < img.logical.size() || img.size() != pages << 12) {
            if (st.report.problem(Problem.IN10, who, "size " + img.size() + ", " + pages + " contiguous pages"
                    + (keep < img.logical.size() ? " then a hole" : ""))) {
                while (img.logical.size() > keep) {
                    img.removeExtent(img.logical.size() - 1);
                }
                img.size(pages << 12);
                change = true;
            }
        }
        return change;
    }

    /** Null if the xattr field {@code ref} names a valid version 1 or 2 attribute block, else what is wrong. */
    private static String xattrProblem(CheckState st, long ref) {
        String bad = XattrBlockFormat.referenceProblem(ref);
        if (bad != null) {
            return bad;
        }
        long page = InodeFormat.physicalPage(ref);
        int order = InodeFormat.physicalOrder(ref);
        if (!st.inBuddySpace(page, order)) {
            return "outside the allocatable space";
        }
        return XattrBlockFormat.problem(st.seg, page << 12, order);
    }
}
