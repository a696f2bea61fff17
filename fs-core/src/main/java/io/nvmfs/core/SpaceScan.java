package io.nvmfs.core;

import io.nvmfs.nvmpg.Block;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.Owner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs at attach after an unclean detach (kill -9, power loss), after journal replay:
 * <ol>
 * <li>orphans: inodes with no link left (unlinked while open) get their records cleared;</li>
 * <li>leaks: every page recorded under the metadata or data owner that no live structure
 *     references is returned to nvmpg (whole blocks freed, partly referenced blocks trimmed
 *     page-exactly). Such pages exist because allocation commits in nvmpg before the journal
 *     transaction that links it, and freeing follows the transaction that unlinks it.</li>
 * </ol>
 * A reference to a page that no record covers is corruption: reported, and the scan frees
 * nothing (guessing could free live data).
 */
final class SpaceScan {
    private SpaceScan() {}

    static List<String> run(FsCore fs) throws CorruptFsException {
        List<String> report = new ArrayList<>();
        List<long[]> metaRefs = new ArrayList<>();
        List<long[]> dataRefs = new ArrayList<>();
        metaRefs.add(new long[] {fs.superblock >>> 12, 1});
        for (int k = 0; k < fs.table.chunks(); k++) {
            metaRefs.add(new long[] {fs.table.chunkPage(k), 1L << InodeTable.chunkOrder(k)});
        }
        Transaction orphans = new Transaction();
        List<Long> orphanInos = new ArrayList<>();
        long capacity = fs.table.capacity();
        for (long ino = 1; ino < capacity; ino++) {
            if (!fs.table.exists(ino)) {
                continue;
            }
            Inode n;
            try {
                n = fs.table.read(ino);
            } catch (FsException e) {
                continue;
            }
            if (n.nlink == 0) {
                fs.table.clear(orphans, ino);
                orphanInos.add(ino);
                continue;
            }
            List<long[]> own = n.isDir() ? metaRefs : dataRefs;
            for (int i = 0; i < n.extents.count(); i++) {
                own.add(new long[] {n.extents.physical(i), 1L << n.extents.order(i)});
            }
            for (long p : n.extentChain.pages()) {
                metaRefs.add(new long[] {p, 1});
            }
            if (n.xattrBlock != 0) {
                metaRefs.add(new long[] {n.xattrPage(), n.xattrPages()});
            }
        }
        if (!orphans.isEmpty()) {
            try {
                fs.journal.commit(orphans);
            } catch (FsException e) {
                throw new CorruptFsException("orphan cleanup", e.getMessage());
            }
            for (long ino : orphanInos) {
                fs.table.unreserve(ino);
            }
            report.add("freed " + orphanInos.size() + " orphaned inodes (unlinked while open at the crash)");
        }
        long leaked = reconcile(fs, fs.meta, metaRefs, report) + reconcile(fs, fs.data, dataRefs, report);
        if (leaked > 0) {
            report.add("returned " + leaked + " unreferenced pages to the free pool");
        }
        return report;
    }

    /** Frees what {@code owner} holds beyond {@code refs}; returns the pages freed. */
    private static long reconcile(FsCore fs, Owner owner, List<long[]> refs, List<String> report)
            throws CorruptFsException {
        refs.sort(Comparator.comparingLong(r -> r[0]));
        List<Block> records = fs.pg.records(owner);
        long freed = 0;
        int r = 0;
        for (Block rec : records) {
            List<long[]> inside = new ArrayList<>();
            while (r < refs.size() && refs.get(r)[0] < rec.end()) {
                long[] ref = refs.get(r);
                if (ref[0] < rec.page() || ref[0] + ref[1] > rec.end()) {
                    throw new CorruptFsException("owner " + owner, "pages " + ref[0] + "+" + ref[1]
                            + " are referenced but not recorded as one allocation");
                }
                inside.add(ref);
                r++;
            }
            freed += trim(fs, owner, rec, inside);
        }
        if (r < refs.size()) {
            long[] ref = refs.get(r);
            throw new CorruptFsException("owner " + owner, "pages " + ref[0] + "+" + ref[1] + " are referenced but not allocated");
        }
        return freed;
    }

    /** Returns every page of {@code rec} outside {@code refs} (sorted, inside rec) to nvmpg. */
    private static long trim(FsCore fs, Owner owner, Block rec, List<long[]> refs) throws CorruptFsException {
        List<long[]> gaps = new ArrayList<>();
        long cursor = rec.page();
        for (long[] ref : refs) {
            if (ref[0] < cursor) {
                throw new CorruptFsException("owner " + owner, "page " + ref[0] + " is referenced twice");
            }
            if (ref[0] > cursor) {
                gaps.add(new long[] {cursor, ref[0]});
            }
            cursor = ref[0] + ref[1];
        }
        if (cursor < rec.end()) {
            gaps.add(new long[] {cursor, rec.end()});
        }
        if (gaps.isEmpty()) {
            return 0;
        }
        try {
            if (refs.isEmpty()) {
                fs.pg.free(owner, rec.page(), rec.order());
                return rec.pages();
            }
            List<Block> current = new ArrayList<>(List.of(rec));
            long freed = 0;
            for (long[] gap : gaps) {
                long pos = gap[0];
                while (pos < gap[1]) {
                    Block b = containing(current, pos);
                    long to = Math.min(gap[1], b.end());
                    current.remove(b);
                    current.addAll(fs.pg.release(owner, b.page(), b.order(), pos, to - pos));
                    freed += to - pos;
                    pos = to;
                }
            }
            return freed;
        } catch (NvmpgException e) {
            throw new CorruptFsException("owner " + owner, "cannot return leaked pages of " + rec + ": " + e.getMessage());
        }
    }

    private static Block containing(List<Block> blocks, long page) {
        for (Block b : blocks) {
            if (page >= b.page() && page < b.end()) {
                return b;
            }
        }
        throw new IllegalStateException("page " + page + " in no kept piece");
    }
}
