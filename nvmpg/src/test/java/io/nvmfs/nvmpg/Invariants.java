package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/** Whole-allocator invariants, checked from the public view of an attached namespace. */
final class Invariants {
    private Invariants() {}

    /**
     * Every usable page is in exactly one place: a record of some owner (record pages under
     * nvmpg's own owner) or a free block. Works on any namespace size (sorted intervals, no bitmap).
     */
    static void assertRecordsAndFreeTileUsableSpace(NvmPages pg) {
        List<long[]> spans = new ArrayList<>();
        for (Owner o : pg.owners()) {
            for (Block b : pg.records(o)) {
                spans.add(new long[] {b.page(), b.end(), o.slot()});
            }
        }
        long[][] free = pg.freeBlocksByOrder();
        long freePages = 0;
        for (int k = 0; k < free.length; k++) {
            for (long p : free[k]) {
                if ((p & ((1L << k) - 1)) != 0) {
                    fail("free block " + Pages.hex(p) + " is not aligned to its order " + k);
                }
                spans.add(new long[] {p, p + (1L << k), -1});
                freePages += 1L << k;
            }
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long cursor = Layout.FIRST_USABLE_PAGE;
        for (long[] s : spans) {
            if (s[0] != cursor) {
                fail((s[0] < cursor ? "overlap" : "hole") + " at page " + Pages.hex(Math.min(s[0], cursor))
                        + " (span " + Pages.hex(s[0]) + ".." + Pages.hex(s[1]) + " owner " + s[2] + ")");
            }
            cursor = s[1];
        }
        assertEquals(pg.superblock().backupPage(), cursor, "records and free blocks end where the buddy space ends");
        assertEquals(freePages, pg.freePages(), "free page count matches the free blocks");
    }

    /** The free blocks are exactly the maximal aligned blocks of the free space (full merging). */
    static void assertFreeBlocksMaximal(NvmPages pg) {
        long[][] free = pg.freeBlocksByOrder();
        List<long[]> spans = new ArrayList<>();
        for (int k = 0; k < free.length; k++) {
            for (long p : free[k]) {
                spans.add(new long[] {p, p + (1L << k)});
            }
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long[][] expected = new long[free.length][];
        List<List<Long>> exp = new ArrayList<>();
        for (int k = 0; k < free.length; k++) {
            exp.add(new ArrayList<>());
        }
        int i = 0;
        while (i < spans.size()) {
            long start = spans.get(i)[0];
            long end = spans.get(i)[1];
            while (i + 1 < spans.size() && spans.get(i + 1)[0] == end) {
                end = spans.get(++i)[1];
            }
            i++;
            AlignedBlocks.forEach(start, end, (p, k) -> exp.get(k).add(p));
        }
        for (int k = 0; k < free.length; k++) {
            expected[k] = exp.get(k).stream().mapToLong(Long::longValue).sorted().toArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected[k], free[k], "free blocks of order " + k);
        }
    }
}
