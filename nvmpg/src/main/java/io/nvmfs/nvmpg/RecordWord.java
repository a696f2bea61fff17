package io.nvmfs.nvmpg;

/**
 * One allocation record: a single 8-byte word whose one aligned store commits the allocation
 * (and whose store of 0 commits the free).
 *
 * <pre>
 * bit  63     valid, always 1 (so no record is the empty word 0)
 * bits 48..62 check: 15 bits of a hash of (page, order, owner slot)
 * bits 46..47 reserved 0
 * bits 40..45 order (0..MAX_ORDER)
 * bits  0..39 first page of the block (up to 2^40 pages = 4 PiB)
 * </pre>
 *
 * The check bits bind the record to its owner, so a word that is corrupted, or copied into
 * another owner's page, fails validation with probability 1 - 2^-15 instead of silently
 * claiming pages.
 */
public final class RecordWord {
    public static final long EMPTY = 0L;
    public static final long MAX_PAGE = (1L << 40) - 1;
    private static final long VALID = 1L << 63;
    private static final int ORDER_SHIFT = 40;
    private static final long PAGE_MASK = MAX_PAGE;
    private static final long RESERVED_MASK = 3L << 46;

    private RecordWord() {}

    public static long encode(long page, int order, int ownerSlot) {
        return VALID | ((long) check(page, order, ownerSlot) << 48) | ((long) order << ORDER_SHIFT) | page;
    }

    public static long page(long word) {
        return word & PAGE_MASK;
    }

    public static int order(long word) {
        return (int) ((word >>> ORDER_SHIFT) & 0x3f);
    }

    /** Null when {@code word} is a well-formed record of {@code ownerSlot}, else what is wrong. */
    public static String problem(long word, int ownerSlot) {
        if ((word & VALID) == 0) {
            return "record word " + Long.toHexString(word) + " lacks the valid bit";
        }
        if ((word & RESERVED_MASK) != 0) {
            return "record word " + Long.toHexString(word) + " has reserved bits set";
        }
        int stored = (int) ((word >>> 48) & 0x7fff);
        if (stored != check(page(word), order(word), ownerSlot)) {
            return "record word " + Long.toHexString(word) + " fails its check bits";
        }
        if (order(word) > Pages.MAX_ORDER) {
            return "order " + order(word) + " exceeds the maximum " + Pages.MAX_ORDER;
        }
        return null;
    }

    private static int check(long page, int order, int ownerSlot) {
        return (int) (Mix.fmix64(page | ((long) order << 40) | ((long) ownerSlot << 46)) >>> 49);
    }
}
