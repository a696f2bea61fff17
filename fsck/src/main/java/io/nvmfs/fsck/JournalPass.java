package io.nvmfs.fsck;

import io.nvmfs.core.JournalCheck;
import io.nvmfs.nvmpg.Pages;

/**
 * Pass 3b — the journal.
 *
 * <p>Contract: on return every committed transaction has been applied to its home location and
 * persisted (in {@code -n} mode only in fsck's private mapping), the log is empty, and both
 * header slots are sane; a torn tail or a record with a good CRC but malformed writes has been
 * dropped. A journal whose location does not fit the namespace (found by pass 3a or by
 * {@link SystemOverlap}) is left for pass 8, which gives the filesystem a new one.
 */
final class JournalPass {
    private JournalPass() {}

    static void run(CheckState st, boolean privateMapping) {
        if (st.needNewJournal) {
            return;
        }
        long base = st.journalPage << 12;
        long size = (1L << st.journalOrder) << 12;
        JournalCheck.Inspection j = JournalCheck.inspect(st.media, base, size);
        String where = "journal page " + Pages.hex(st.journalPage);
        if (!j.headerValid()) {
            if (st.report.problem(Problem.JR03, where, null)) {
                reset(st, base, size);
            }
            return;
        }
        boolean replay = false;
        boolean reset = false;
        if (j.committed() > 0) {
            boolean yes = st.report.problem(Problem.JR04, where, j.committed() + " transaction" + (j.committed() == 1 ? "" : "s"));
            // Declined under -n, the replay still happens in fsck's private copy: the passes after this
            // one must see the filesystem a mount would see, or they report problems it does not have.
            replay |= yes || privateMapping;
            reset |= yes;
        }
        if (j.corruptRecord() != null) {
            boolean yes = st.report.problem(Problem.JR05, where, j.corruptRecord());
            replay |= yes || privateMapping;
            reset |= yes;
        }
        if (j.tornTail() && st.report.problem(Problem.JR06, where, null)) {
            replay = true;
            reset = true;
        }
        if (slotDamaged(st, base, io.nvmfs.core.JournalFormat.SLOT_A, j.slotAValid())
                || slotDamaged(st, base, io.nvmfs.core.JournalFormat.SLOT_B, j.slotBValid())) {
            if (st.report.problem(Problem.JR02, where, null)) {
                replay = true;
                reset = true;
            }
        }
        if (replay) {
            st.writer.beforeChange(base, size);
            for (long page : j.homePages()) {
                st.writer.beforeChange(page << 12, 4096);
            }
            JournalCheck.replay(st.media, base, size);
        }
        if (reset) {
            reset(st, base, size);
        }
    }

    /** A slot that is invalid but not blank: blank is how mkfs leaves slot B. */
    private static boolean slotDamaged(CheckState st, long base, int slot, boolean valid) {
        if (valid) {
            return false;
        }
        for (int i = 0; i < 48; i += 8) {
            if (st.seg.get(io.nvmfs.core.Le.LONG, base + slot + i) != 0) {
                return true;
            }
        }
        return false;
    }

    /** An empty journal over a zeroed log: no stale record can ever match a sequence number again. */
    static void reset(CheckState st, long base, long size) {
        st.writer.zero(base, size);
        JournalCheck.reset(st.media, base, size);
    }
}
