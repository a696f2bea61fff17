package io.nvmfs.fsck;

import io.nvmfs.nvmpg.Pages;

/**
 * Between passes 3 and 4: the structures the rest of the check stands on (record pages, the
 * filesystem superblock, the inode-table chunks, the journal) must not overlap, or pass 4 would
 * read one as the other and its repairs would damage both.
 *
 * <p>Contract: on return no two of those claims overlap. A journal that overlaps anything is
 * replaced in pass 8 (JR01), before anything is replayed into it; any other overlap (a chunk
 * pointer that is aligned and in range but names a used block) ends fsck: which of the two is
 * real cannot be told safely.
 */
final class SystemOverlap {
    private SystemOverlap() {}

    static void run(CheckState st) {
        LongList c = st.claims;
        c.sort();
        for (int i = 1; i < c.size(); i++) {
            long a = c.get(i - 1);
            long b = c.get(i);
            if (Claim.page(b) >= Claim.end(a)) {
                continue;
            }
            long victim = Claim.claimant(a) == Claim.SYSTEM_JOURNAL ? a : b;
            if (Claim.claimant(victim) == Claim.SYSTEM_JOURNAL) {
                st.needNewJournal = true;
                st.newJournalAccepted = st.report.problem(Problem.JR01, "journal", "overlaps " + Claim.describe(victim == a ? b : a)
                        + " at page " + Pages.hex(Claim.page(b)));
                remove(st, victim);
                run(st);
                return;
            }
            throw new FsckAbort("page " + Pages.hex(Claim.page(b)) + " is claimed by " + Claim.describe(a)
                    + " and by " + Claim.describe(b) + " (a corrupt superblock or chunk pointer); fsck cannot repair that");
        }
    }

    private static void remove(CheckState st, long claim) {
        LongList keep = new LongList();
        for (int i = 0; i < st.claims.size(); i++) {
            if (st.claims.get(i) != claim) {
                keep.add(st.claims.get(i));
            }
        }
        st.claims.clear();
        for (int i = 0; i < keep.size(); i++) {
            st.claims.add(keep.get(i));
        }
    }
}
