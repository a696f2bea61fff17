package io.nvmfs.fsck;

import io.nvmfs.core.Owners;
import io.nvmfs.nvmpg.LinkWord;
import io.nvmfs.nvmpg.OwnerTableFormat;
import io.nvmfs.nvmpg.Pages;
import io.nvmfs.nvmpg.RecordPageFormat;
import io.nvmfs.nvmpg.RecordWord;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Pass 2 — owners and nvmpg records.
 *
 * <p>Contract: on return the owner table holds nvmpg's own slot 0 and at most one slot for each
 * of the filesystem's three owners (their indexes in {@code metaSlot}, {@code dataSlot},
 * {@code journalSlot}; -1 if missing and not created); every chain reachable from a kept slot
 * is a finite list of valid record pages, each claimed in {@code claims}; {@code records} holds
 * every record word that is well formed, aligned and inside the allocatable space, and no
 * other record word is left on the media (with repairs accepted). Overlaps between records are
 * not judged here: pass 8 settles them against what the filesystem actually references.
 */
final class RecordPass {
    private static final String[] LABELS = {"fs-meta", "fs-data", "fs-journal"};

    private RecordPass() {}

    static void run(CheckState st) {
        UUID[] known = {Owners.meta(st.uuid), Owners.data(st.uuid), Owners.journal(st.uuid)};
        int[] slotOf = {-1, -1, -1};
        checkAllocatorSlot(st);
        for (int slot = 1; slot < OwnerTableFormat.SLOTS; slot++) {
            long state = OwnerTableFormat.state(st.media, slot);
            if (state == 0) {
                continue;
            }
            UUID uuid = OwnerTableFormat.uuid(st.media, slot);
            String label = OwnerTableFormat.label(st.media, slot);
            int role = roleOf(known, uuid);
            boolean live = state == OwnerTableFormat.liveState(st.media, slot);
            String subject = "owner slot " + slot;
            if (role < 0) {
                if (st.report.problem(Problem.RC02, subject, "label '" + printable(label) + "'")) {
                    clearSlot(st, slot);
                }
                continue;
            }
            if (slotOf[role] >= 0) {
                if (st.report.problem(Problem.RC03, subject, "'" + LABELS[role] + "' is in slot " + slotOf[role])) {
                    clearSlot(st, slot);
                }
                continue;
            }
            if (!live) {
                if (!label.equals(LABELS[role])) {
                    if (st.report.problem(Problem.RC02, subject, "damaged, label '" + printable(label) + "'")) {
                        clearSlot(st, slot);
                    }
                    continue;
                }
                if (st.report.problem(Problem.RC01, subject, "'" + label + "'")) {
                    long off = OwnerTableFormat.slotOffset(slot);
                    st.writer.putLong(off, OwnerTableFormat.liveState(st.media, slot));
                }
            }
            slotOf[role] = slot;
        }
        for (int role = 0; role < 3; role++) {
            if (slotOf[role] < 0) {
                slotOf[role] = createOwner(st, known[role], LABELS[role]);
            }
        }
        st.metaSlot = slotOf[0];
        st.dataSlot = slotOf[1];
        st.journalSlot = slotOf[2];
        Set<Long> seen = new HashSet<>();
        for (int slot = 0; slot < OwnerTableFormat.SLOTS; slot++) {
            if (slot == 0 || slot == st.metaSlot || slot == st.dataSlot || slot == st.journalSlot) {
                walkChain(st, slot, seen);
            }
        }
    }

    /** Slot 0 is nvmpg's own owner: its identity is fixed, so damage to it is repaired by rewriting it. */
    private static void checkAllocatorSlot(CheckState st) {
        long state = OwnerTableFormat.state(st.media, 0);
        boolean ok = state == OwnerTableFormat.liveState(st.media, 0)
                && OwnerTableFormat.ALLOCATOR_UUID.equals(OwnerTableFormat.uuid(st.media, 0))
                && OwnerTableFormat.ALLOCATOR_LABEL.equals(OwnerTableFormat.label(st.media, 0));
        if (!ok && st.report.problem(Problem.RC10, "owner slot 0", null)) {
            long off = OwnerTableFormat.slotOffset(0);
            long head = st.seg.get(io.nvmfs.core.Le.LONG, OwnerTableFormat.headOffset(0));
            long root = st.seg.get(io.nvmfs.core.Le.LONG, OwnerTableFormat.rootOffset(0));
            st.writer.beforeChange(off, OwnerTableFormat.SLOT_SIZE);
            st.seg.set(io.nvmfs.core.Le.LONG, off, 0L);
            OwnerTableFormat.writeBody(st.media, 0, OwnerTableFormat.ALLOCATOR_UUID, OwnerTableFormat.ALLOCATOR_LABEL);
            st.seg.set(io.nvmfs.core.Le.LONG, OwnerTableFormat.headOffset(0), head);
            st.seg.set(io.nvmfs.core.Le.LONG, OwnerTableFormat.rootOffset(0), root);
            st.writer.persist(off, OwnerTableFormat.SLOT_SIZE);
            st.writer.putLong(off, OwnerTableFormat.liveState(st.media, 0));
        }
    }

    private static int roleOf(UUID[] known, UUID uuid) {
        for (int i = 0; i < known.length; i++) {
            if (known[i].equals(uuid)) {
                return i;
            }
        }
        return -1;
    }

    private static void clearSlot(CheckState st, int slot) {
        st.writer.zero(OwnerTableFormat.slotOffset(slot), OwnerTableFormat.SLOT_SIZE);
    }

    /** Creates a missing filesystem owner (empty chain, root 0) as nvmpg would: body, persist, state word. */
    private static int createOwner(CheckState st, UUID uuid, String label) {
        int free = -1;
        for (int slot = 1; slot < OwnerTableFormat.SLOTS && free < 0; slot++) {
            if (OwnerTableFormat.state(st.media, slot) == 0) {
                free = slot;
            }
        }
        if (free < 0 || !st.report.problem(Problem.RC04, "owner '" + label + "'", free < 0 ? "no free slot" : null)) {
            return -1;
        }
        long off = OwnerTableFormat.slotOffset(free);
        st.writer.beforeChange(off, OwnerTableFormat.SLOT_SIZE);
        OwnerTableFormat.writeBody(st.media, free, uuid, label);
        st.writer.persist(off, OwnerTableFormat.SLOT_SIZE);
        st.writer.putLong(off, OwnerTableFormat.liveState(st.media, free));
        return free;
    }

    private static void walkChain(CheckState st, int slot, Set<Long> seen) {
        long holderAt = OwnerTableFormat.headOffset(slot);
        long holder = LinkWord.headHolder(slot);
        long link = st.seg.get(io.nvmfs.core.Le.LONG, holderAt);
        while (link != LinkWord.END) {
            String where = holder == LinkWord.headHolder(slot) ? "owner slot " + slot + " head" : "record page " + Pages.hex(holder);
            long target = LinkWord.target(link);
            Problem p = null;
            String detail = null;
            String linkProblem = LinkWord.problem(link, holder);
            if (linkProblem != null) {
                p = Problem.RC05;
                detail = linkProblem;
            } else if (!st.inBuddySpace(target, 0)) {
                p = Problem.RC05;
                detail = "target " + Pages.hex(target) + " is outside the allocatable space";
            } else if (seen.contains(target)) {
                p = Problem.RC07;
                detail = "page " + Pages.hex(target);
            } else {
                String header = RecordPageFormat.headerProblem(st.media, target, slot);
                if (header != null) {
                    p = Problem.RC06;
                    detail = "page " + Pages.hex(target) + ": " + header;
                }
            }
            if (p != null) {
                if (st.report.problem(p, where, detail)) {
                    st.writer.putLong(holderAt, LinkWord.END);
                }
                return;
            }
            seen.add(target);
            st.chains[slot].add(target);
            st.claims.add(Claim.of(target, 0, false, Claim.RECORD_PAGE));
            scanSlots(st, slot, target);
            holder = target;
            holderAt = RecordPageFormat.nextOffset(target);
            link = st.seg.get(io.nvmfs.core.Le.LONG, holderAt);
        }
    }

    private static void scanSlots(CheckState st, int slot, long page) {
        for (int i = 0; i < RecordPageFormat.SLOTS; i++) {
            long at = RecordPageFormat.slotOffset(page, i);
            long word = st.seg.get(io.nvmfs.core.Le.LONG, at);
            if (word == RecordWord.EMPTY) {
                continue;
            }
            String where = "record page " + Pages.hex(page) + " slot " + i;
            String problem = RecordWord.problem(word, slot);
            if (problem != null) {
                if (st.report.problem(Problem.RC08, where, problem)) {
                    st.writer.putLong(at, RecordWord.EMPTY);
                }
                continue;
            }
            long p = RecordWord.page(word);
            int order = RecordWord.order(word);
            if (!st.inBuddySpace(p, order)) {
                if (st.report.problem(Problem.RC09, where, "block " + Pages.hex(p) + " order " + order)) {
                    st.writer.putLong(at, RecordWord.EMPTY);
                }
                continue;
            }
            st.records.add(Rec.of(p, order, slot));
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
