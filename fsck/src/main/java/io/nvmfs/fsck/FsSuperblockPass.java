package io.nvmfs.fsck;

import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.Le;
import io.nvmfs.nvmpg.OwnerTableFormat;
import io.nvmfs.nvmpg.Pages;

/**
 * Pass 3a — the filesystem superblock and the inode-table chunk list.
 *
 * <p>Contract: on return from {@link #run} {@code sb} is the byte offset of a filesystem
 * superblock whose header is valid (or rebuilt), the metadata owner's root slot names it, and
 * {@code journalPage} / {@code journalOrder} are its journal fields (claimed, or marked for
 * replacement). The chunk list it points to is {@link InodeTableChunks}' job.
 * A namespace without a findable superblock ends fsck ({@link FsckAbort}).
 */
final class FsSuperblockPass {
    private FsSuperblockPass() {}

    static void run(CheckState st) {
        locate(st);
        checkHeader(st);
        long clean = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_CLEAN);
        if (clean != 0 && clean != 1 && st.report.problem(Problem.FS04, "filesystem superblock", "value " + clean)) {
            st.writer.putLong(st.sb + FsSuperblockFormat.OFF_CLEAN, 0L);
        }
        st.claims.add(Claim.of(st.sb >>> 12, 0, true, Claim.SYSTEM_META));
        if (st.needNewJournal || st.journalOrder < 1 || st.journalOrder > 20
                || !st.inBuddySpace(st.journalPage, st.journalOrder)) {
            st.needNewJournal = true;
            st.newJournalAccepted = st.report.problem(Problem.JR01, "journal",
                    "page " + Pages.hex(st.journalPage) + " order " + st.journalOrder);
        } else {
            st.claims.add(Claim.of(st.journalPage, st.journalOrder, false, Claim.SYSTEM_JOURNAL));
        }
    }

    private static boolean isSuperblock(CheckState st, long page) {
        if (!st.inBuddySpace(page, 0)) {
            return false;
        }
        return FsSuperblockFormat.problemBeforeReplay(st.seg, page << 12) == null && uuidMatches(st, page);
    }

    /**
     * A page whose header fails its checks but which is still recognisably this filesystem's
     * superblock: it keeps the magic, or this namespace's UUID, or a chunk-0 pointer to a page
     * holding the root inode. One damaged field cannot take away all three.
     */
    private static boolean resemblesSuperblock(CheckState st, long page) {
        return st.inBuddySpace(page, 0) && marks(st, page) >= 1;
    }

    /** How many of the superblock's marks the page carries: the magic, the UUID, chunk 0's pointer. */
    private static int marks(CheckState st, long page) {
        return (hasMagic(st, page) ? 1 : 0) + (uuidMatches(st, page) ? 1 : 0)
                + (InodeTableChunks.holdsRoot(st, st.seg.get(Le.LONG, FsSuperblockFormat.chunkSlot(page << 12, 0))) ? 1 : 0);
    }

    private static boolean hasMagic(CheckState st, long page) {
        return st.seg.get(Le.LONG, (page << 12) + FsSuperblockFormat.OFF_MAGIC) == FsSuperblockFormat.MAGIC;
    }

    private static boolean uuidMatches(CheckState st, long page) {
        long off = page << 12;
        return st.seg.get(Le.LONG, off + FsSuperblockFormat.OFF_UUID) == st.uuid.getMostSignificantBits()
                && st.seg.get(Le.LONG, off + FsSuperblockFormat.OFF_UUID + 8) == st.uuid.getLeastSignificantBits();
    }

    private static void locate(CheckState st) {
        long rootAt = st.metaSlot >= 0 ? OwnerTableFormat.rootOffset(st.metaSlot) : -1;
        long pointer = rootAt >= 0 ? st.seg.get(Le.LONG, rootAt) : 0;
        if (isSuperblock(st, pointer)) {
            st.sb = pointer << 12;
            return;
        }
        long found = -1;
        for (int i = 0; i < st.records.size() && found < 0; i++) {
            long r = st.records.get(i);
            if (Rec.order(r) == 0 && isSuperblock(st, Rec.page(r))) {
                found = Rec.page(r);
            }
        }
        if (found < 0) {
            if (resemblesSuperblock(st, pointer)) {
                st.sb = pointer << 12; // the header is damaged; checkHeader rebuilds it
                return;
            }
            // Pointer and header both damaged: a metadata page that still resembles one is the superblock.
            for (int i = 0; i < st.records.size() && found < 0; i++) {
                long r = st.records.get(i);
                if (Rec.order(r) == 0 && Rec.slot(r) == st.metaSlot && resemblesSuperblock(st, Rec.page(r))) {
                    found = Rec.page(r);
                }
            }
        }
        if (found < 0) {
            // Last resort (the metadata owner itself was lost): look at every page, up to 16 GiB in.
            // Any page may hold anything here, so a damaged header must keep two of its three marks.
            for (long page = 3; page < Math.min(st.usableEnd(), 1L << 22) && found < 0; page++) {
                if (isSuperblock(st, page) || marks(st, page) >= 2) {
                    found = page;
                }
            }
        }
        if (found < 0) {
            throw new FsckAbort("no filesystem superblock: the metadata owner's root names page " + Pages.hex(pointer)
                    + " and no metadata page holds one; this namespace has no nvmfs filesystem fsck can find");
        }
        st.sb = found << 12;
        if (rootAt >= 0 && st.report.problem(Problem.FS01, "metadata owner root",
                "names page " + Pages.hex(pointer) + "; superblock found at page " + Pages.hex(found))) {
            st.writer.putLong(rootAt, found);
        }
    }

    /**
     * After the journal pass: the header must now be valid without the allowance for a feature
     * upgrade torn between its two writes ({@link FsSuperblockFormat#problemBeforeReplay}), which
     * replay completes; one whose journal was lost instead (reset) is rebuilt here.
     */
    static void afterJournal(CheckState st) {
        String problem = FsSuperblockFormat.problem(st.seg, st.sb);
        boolean reported = FsSuperblockFormat.problemBeforeReplay(st.seg, st.sb) != null; // by checkHeader (declined)
        if (problem != null && !reported && st.report.problem(Problem.FS02, "filesystem superblock page " + Pages.hex(st.sb >>> 12),
                problem + " after the journal pass")) {
            rebuildHeader(st);
        }
    }

    private static void checkHeader(CheckState st) {
        String problem = FsSuperblockFormat.problemBeforeReplay(st.seg, st.sb);
        long jPage = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_JOURNAL_PAGE);
        int jOrder = st.seg.get(Le.INT, st.sb + FsSuperblockFormat.OFF_JOURNAL_ORDER);
        if (problem == null) {
            st.journalPage = jPage;
            st.journalOrder = jOrder;
            return;
        }
        // Rebuild from what the namespace says: its UUID, and the journal owner's one record.
        long journalRecord = -1;
        int records = 0;
        for (int i = 0; i < st.records.size(); i++) {
            long r = st.records.get(i);
            if (Rec.slot(r) == st.journalSlot) {
                journalRecord = r;
                records++;
            }
        }
        boolean journalKnown = records == 1 && Rec.order(journalRecord) >= 1 && Rec.order(journalRecord) <= 20;
        st.journalPage = journalKnown ? Rec.page(journalRecord) : 0;
        st.journalOrder = journalKnown ? Rec.order(journalRecord) : 0;
        if (st.report.problem(Problem.FS02, "filesystem superblock page " + Pages.hex(st.sb >>> 12), problem)) {
            rebuildHeader(st);
        }
        if (!journalKnown) {
            st.needNewJournal = true;
        }
    }

    /**
     * Rewrites bytes 0..127 from what is known ({@code st.uuid}, {@code st.journalPage} and
     * {@code journalOrder}), keeping the chunk list, {@code clean} and the mount history. The
     * features are set to every one this code knows, as mkfs sets them.
     */
    private static void rebuildHeader(CheckState st) {
        st.writer.beforeChange(st.sb, 128);
        byte[] chunks = st.seg.asSlice(st.sb + FsSuperblockFormat.OFF_CHUNKS,
                4096 - FsSuperblockFormat.OFF_CHUNKS).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        long clean = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_CLEAN);
        // The mount history is no part of what was wrong: kept across the rewrite.
        long lastMount = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_LAST_MOUNT);
        long mountCount = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_MOUNT_COUNT);
        FsSuperblockFormat.write(st.seg, st.sb, st.uuid, st.journalPage, Math.max(1, st.journalOrder));
        java.lang.foreign.MemorySegment.copy(chunks, 0, st.seg, java.lang.foreign.ValueLayout.JAVA_BYTE,
                st.sb + FsSuperblockFormat.OFF_CHUNKS, chunks.length);
        st.seg.set(Le.LONG, st.sb + FsSuperblockFormat.OFF_CLEAN, clean);
        st.seg.set(Le.LONG, st.sb + FsSuperblockFormat.OFF_LAST_MOUNT, lastMount);
        st.seg.set(Le.LONG, st.sb + FsSuperblockFormat.OFF_MOUNT_COUNT, mountCount);
        st.writer.persist(st.sb, 4096);
    }
}
