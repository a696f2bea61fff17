package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;

/**
 * The journal as an offline checker sees it: what a replay would do, without doing it; the
 * replay itself; and an empty journal in place of an unreadable one. The format and the replay
 * rules stay in {@link Journal} and {@link JournalFormat}; this only exposes them.
 */
public final class JournalCheck {
    private JournalCheck() {}

    /**
     * What the journal block at byte offset {@code base} holds.
     *
     * @param slotAValid     header slot A has its magic, a good CRC and sane fields
     * @param slotBValid     the same for slot B
     * @param committed      complete transactions after the tail, which a replay applies
     * @param corruptRecord  a record with a good CRC whose writes do not parse (null if none);
     *                       replay stops before it
     * @param tornTail       the log ends in an incomplete transaction of the expected sequence
     * @param homePages      the pages a replay would change, ascending
     * @param endOffset      log-area offset where replay stops (where the next record would go)
     * @param nextSeq        sequence number the next record must carry
     */
    public record Inspection(boolean slotAValid, boolean slotBValid, int committed, String corruptRecord,
                             boolean tornTail, long[] homePages, long endOffset, long nextSeq) {
        public boolean headerValid() {
            return slotAValid || slotBValid;
        }
    }

    /** Reads the journal without changing a byte. */
    public static Inspection inspect(Media media, long base, long size) {
        long logBytes = size - 4096;
        boolean a = JournalHeader.readSlot(media, base, JournalFormat.SLOT_A, logBytes) != null;
        boolean b = JournalHeader.readSlot(media, base, JournalFormat.SLOT_B, logBytes) != null;
        if (!a && !b) {
            return new Inspection(false, false, 0, null, false, new long[0], 0, 0);
        }
        JournalHeader h;
        try {
            h = JournalHeader.read(media, base, logBytes);
        } catch (CorruptFsException impossible) {
            throw new IllegalStateException(impossible);
        }
        Journal.Replay dry = new Journal.Replay(media, base + 4096, logBytes, h.tailOffset(), h.tailSeq(), false);
        dry.run();
        String corrupt = dry.corruption() == null ? null : dry.corruption().getMessage();
        long[] pages = dry.dirtyPages().stream().mapToLong(Long::longValue).sorted().toArray();
        return new Inspection(a, b, dry.applied(), corrupt, dry.tornTail(), pages, dry.endOffset(), dry.nextSeq());
    }

    /**
     * Applies every committed transaction (stopping before a corrupt record), persists what it
     * touched, and writes a header whose tail is the end of what was applied. Needs a valid header.
     *
     * @return transactions applied
     */
    public static int replay(Media media, long base, long size) {
        try {
            return Journal.open(media, base, size, true).replayed();
        } catch (CorruptFsException e) {
            throw new IllegalStateException("replay needs a valid journal header: " + e.getMessage());
        }
    }

    /** Writes an empty journal over the block: every record in it is forgotten. */
    public static void reset(Media media, long base, long size) {
        Journal.format(media, base, size);
    }
}
