package io.nvmfs.fsck;

import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.JournalCheck;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mkfs;
import io.nvmfs.nvmpg.LinkWord;
import io.nvmfs.nvmpg.OwnerTableFormat;
import io.nvmfs.nvmpg.Pages;
import io.nvmfs.nvmpg.RecordPageFormat;
import io.nvmfs.nvmpg.RecordWord;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Pass 8 — space.
 *
 * <p>Contract: on return (repairs accepted) the nvmpg records are exactly the blocks the
 * filesystem references, each under the owner it belongs to: pages recorded but referenced by
 * nothing (leaks, released orphans, blocks dropped by earlier passes) are freed, blocks
 * referenced but not recorded are recorded, and a block recorded under the wrong owner is moved.
 * Every page is then either in a record, a record page, a fixed page, or free: nvmpg's attach
 * rebuilds its free lists from exactly that. A filesystem that lost its journal gets a new one
 * here, where free space is finally known. Records are cleared before any is added, so no two
 * live records ever overlap, even if fsck itself is interrupted.
 */
final class SpacePass {
    private SpacePass() {}

    static void run(CheckState st, SpaceAllocator alloc) {
        if (st.needNewJournal && st.newJournalAccepted) {
            newJournal(st, alloc);
        }
        LongList want = new LongList(st.claims.size());
        LongList ownerless = new LongList();
        st.progress.start(8, "Pass 8: space", st.claims.size());
        for (int i = 0; i < st.claims.size(); i++) {
            st.progress.tick(i);
            long c = st.claims.get(i);
            int id = Claim.claimant(c);
            if (id == Claim.RECORD_PAGE || (Claim.isInode(c) && st.released.get(id))) {
                continue;
            }
            int slot = id == Claim.SYSTEM_JOURNAL ? st.journalSlot : Claim.meta(c) || id == Claim.SYSTEM_META ? st.metaSlot : st.dataSlot;
            (slot < 0 ? ownerless : want).add(Rec.of(Claim.page(c), Claim.order(c), Math.max(0, slot)));
        }
        want.sort();
        st.records.sort();
        LongList extra = new LongList();
        LongList missing = new LongList();
        LongList have = st.records;
        int i = 0;
        int j = 0;
        while (i < have.size() || j < want.size()) {
            long a = i < have.size() ? have.get(i) : Long.MAX_VALUE;
            long w = j < want.size() ? want.get(j) : Long.MAX_VALUE;
            if (a == w) {
                i++;
                j++;
                while (i < have.size() && have.get(i) == a) {
                    extra.add(a); // the same record twice
                    i++;
                }
            } else if (a < w) {
                extra.add(a);
                i++;
            } else {
                missing.add(w);
                j++;
            }
        }
        Map<Long, Integer> toClear = new HashMap<>();
        LongList toAdd = new LongList();
        java.util.Set<Long> trimmed = trimCutOffReleases(st, extra, missing, toClear, toAdd);
        Map<Long, Long> missingAt = new HashMap<>();
        for (int k = 0; k < missing.size(); k++) {
            long w = missing.get(k);
            if (!trimmed.contains(w)) {
                missingAt.put(Rec.of(Rec.page(w), Rec.order(w), 0), w);
            }
        }
        for (int k = 0; k < extra.size(); k++) {
            long a = extra.get(k);
            if (trimmed.contains(a)) {
                continue;
            }
            long where = Rec.of(Rec.page(a), Rec.order(a), 0);
            Long w = missingAt.get(where);
            if (w != null && !alloc.allocatedHere(Rec.page(a))) {
                missingAt.remove(where);
                if (st.report.problem(Problem.SP03, blockName(a), "should be owner slot " + Rec.slot(w))) {
                    toClear.merge(a, 1, Integer::sum);
                    toAdd.add(w);
                }
            } else if (st.report.problem(Problem.SP01, blockName(a), null)) {
                toClear.merge(a, 1, Integer::sum);
            }
        }
        for (int k = 0; k < ownerless.size(); k++) {
            st.report.problem(Problem.SP02, blockName(ownerless.get(k)), "its owner is missing");
        }
        for (int k = 0; k < missing.size(); k++) {
            long w = missing.get(k);
            if (!missingAt.containsKey(Rec.of(Rec.page(w), Rec.order(w), 0))) {
                continue; // moved from another owner above
            } else if (alloc.allocatedHere(Rec.page(w))) {
                toAdd.add(w); // fsck's own new block (lost+found page, journal): recording it is part of that repair
            } else if (st.report.problem(Problem.SP02, blockName(w), null)) {
                toAdd.add(w);
            }
        }
        if (!toClear.isEmpty()) {
            clearRecords(st, toClear);
        }
        if (toAdd.size() > 0) {
            addRecords(st, alloc, toAdd);
        }
        st.progress.end();
    }

    /**
     * A recorded block of which only smaller pieces, of the same owner, are referenced: what a
     * crash between a journaled truncate or punch and nvmpg's release of the dropped pages leaves
     * (the attach trims such a record page-exactly). Reported once per block as SP04, not as a leak
     * of the block plus the pieces as unrecorded; the repair records the pieces and clears the block
     * (cleared first, so no two live records ever overlap). Returns the records and references
     * it dealt with.
     */
    private static java.util.Set<Long> trimCutOffReleases(CheckState st, LongList extra, LongList missing,
                                                         Map<Long, Integer> toClear, LongList toAdd) {
        java.util.Set<Long> dealt = new java.util.HashSet<>();
        if (extra.size() == 0 || missing.size() == 0) {
            return dealt;
        }
        java.util.TreeMap<Long, Long> missingByPlace = new java.util.TreeMap<>();
        for (int k = 0; k < missing.size(); k++) {
            long w = missing.get(k);
            missingByPlace.put(place(Rec.slot(w), Rec.page(w)), w);
        }
        for (int k = 0; k < extra.size(); k++) {
            long a = extra.get(k);
            long end = Rec.page(a) + (1L << Rec.order(a));
            LongList pieces = new LongList();
            for (long w : missingByPlace.subMap(place(Rec.slot(a), Rec.page(a)), place(Rec.slot(a), end)).values()) {
                if (Rec.order(w) < Rec.order(a) && Rec.page(w) + (1L << Rec.order(w)) <= end && !dealt.contains(w)) {
                    pieces.add(w);
                }
            }
            if (pieces.size() == 0 || dealt.contains(a)) {
                continue;
            }
            dealt.add(a);
            for (int p = 0; p < pieces.size(); p++) {
                dealt.add(pieces.get(p));
            }
            if (st.report.problem(Problem.SP04, blockName(a), pieces.size() + " piece" + (pieces.size() == 1 ? "" : "s")
                    + " still referenced")) {
                toClear.merge(a, 1, Integer::sum);
                for (int p = 0; p < pieces.size(); p++) {
                    toAdd.add(pieces.get(p));
                }
            }
        }
        return dealt;
    }

    private static long place(int slot, long page) {
        return ((long) slot << 44) | page;
    }

    private static String blockName(long rec) {
        return "block " + Pages.hex(Rec.page(rec)) + " order " + Rec.order(rec) + " owner slot " + Rec.slot(rec);
    }

    private static void clearRecords(CheckState st, Map<Long, Integer> toClear) {
        for (int slot = 0; slot < OwnerTableFormat.SLOTS; slot++) {
            LongList chain = st.chains[slot];
            for (int c = 0; c < chain.size(); c++) {
                long page = chain.get(c);
                for (int k = 0; k < RecordPageFormat.SLOTS; k++) {
                    long at = RecordPageFormat.slotOffset(page, k);
                    long word = st.seg.get(Le.LONG, at);
                    if (word == RecordWord.EMPTY || RecordWord.problem(word, slot) != null) {
                        continue;
                    }
                    long key = Rec.of(RecordWord.page(word), RecordWord.order(word), slot);
                    Integer n = toClear.get(key);
                    if (n != null) {
                        st.writer.putLong(at, RecordWord.EMPTY);
                        if (n == 1) {
                            toClear.remove(key);
                        } else {
                            toClear.put(key, n - 1);
                        }
                    }
                }
            }
        }
    }

    private static void addRecords(CheckState st, SpaceAllocator alloc, LongList toAdd) {
        Map<Integer, ArrayDeque<Long>> freeSlots = new HashMap<>();
        for (int n = 0; n < toAdd.size(); n++) {
            long rec = toAdd.get(n);
            int slot = Rec.slot(rec);
            ArrayDeque<Long> free = freeSlots.computeIfAbsent(slot, s -> emptySlots(st, s));
            if (free.isEmpty()) {
                long page = alloc.allocate(0, false, Claim.RECORD_PAGE);
                if (page < 0) {
                    throw new FsckAbort("namespace full: no page left for a record page");
                }
                long headAt = OwnerTableFormat.headOffset(slot);
                long head = LinkWord.target(st.seg.get(Le.LONG, headAt));
                st.writer.beforeChange(page << 12, 4096);
                RecordPageFormat.init(st.media, page, slot, head);
                st.writer.persist(page << 12, 4096);
                st.writer.putLong(headAt, LinkWord.encode(page, LinkWord.headHolder(slot)));
                for (int k = 0; k < RecordPageFormat.SLOTS; k++) {
                    free.add(RecordPageFormat.slotOffset(page, k));
                }
            }
            st.writer.putLong(free.poll(), RecordWord.encode(Rec.page(rec), Rec.order(rec), slot));
        }
    }

    private static ArrayDeque<Long> emptySlots(CheckState st, int slot) {
        ArrayDeque<Long> free = new ArrayDeque<>();
        LongList chain = st.chains[slot];
        for (int c = 0; c < chain.size(); c++) {
            long page = chain.get(c);
            for (int k = 0; k < RecordPageFormat.SLOTS; k++) {
                long at = RecordPageFormat.slotOffset(page, k);
                if (st.seg.get(Le.LONG, at) == RecordWord.EMPTY) {
                    free.add(at);
                }
            }
        }
        return free;
    }

    private static void newJournal(CheckState st, SpaceAllocator alloc) {
        int order = st.journalOrder >= 1 && st.journalOrder <= 20 ? st.journalOrder : Mkfs.defaultJournalOrder(st.media.size());
        long page = -1;
        while (order >= 1 && (page = alloc.allocate(order, false, Claim.SYSTEM_JOURNAL)) < 0) {
            order--;
        }
        if (page < 0) {
            throw new FsckAbort("namespace full: no room for a new journal");
        }
        long base = page << 12;
        long size = (1L << order) << 12;
        JournalPass.reset(st, base, size);
        st.writer.beforeChange(st.sb, 64);
        st.seg.set(Le.LONG, st.sb + FsSuperblockFormat.OFF_JOURNAL_PAGE, page);
        st.seg.set(Le.INT, st.sb + FsSuperblockFormat.OFF_JOURNAL_ORDER, order);
        st.seg.set(Le.INT, st.sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(st.seg, st.sb, FsSuperblockFormat.OFF_CRC));
        st.writer.persist(st.sb, 64);
        st.journalPage = page;
        st.journalOrder = order;
    }
}
