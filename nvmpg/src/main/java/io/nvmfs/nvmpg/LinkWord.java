package io.nvmfs.nvmpg;

/**
 * A chain link (an owner's head word, a record page's next word): one 8-byte word, 0 for
 * "end of chain", otherwise
 *
 * <pre>
 * bit  63     valid, always 1
 * bits 48..62 check: 15 bits of a hash of (target page, holder)
 * bits 40..47 reserved 0
 * bits  0..39 target page
 * </pre>
 *
 * The holder is the page number of the record page that holds the link, or, for an owner's
 * head word, the owner table page with the slot index mixed in. A corrupted link that happens
 * to name another valid record page would otherwise silently drop the pages it skips; the
 * check bits make that a reported error with probability 1 - 2^-15.
 */
public final class LinkWord {
    public static final long END = 0L;
    private static final long VALID = 1L << 63;
    private static final long PAGE_MASK = (1L << 40) - 1;
    private static final long RESERVED_MASK = 0xffL << 40;

    private LinkWord() {}

    public static long encode(long target, long holder) {
        return target == 0 ? END : VALID | ((long) check(target, holder) << 48) | target;
    }

    /** Holder id of owner slot {@code slot}'s head word. */
    public static long headHolder(int slot) {
        return (Layout.OWNER_TABLE_PAGE << 8) | slot | (1L << 62);
    }

    public static long target(long word) {
        return word & PAGE_MASK;
    }

    /** Null when {@code word} is END or a well-formed link held by {@code holder}, else what is wrong. */
    public static String problem(long word, long holder) {
        if (word == END) {
            return null;
        }
        if ((word & VALID) == 0 || (word & RESERVED_MASK) != 0
                || ((word >>> 48) & 0x7fff) != check(target(word), holder)) {
            return "link word " + Long.toHexString(word) + " fails its check bits";
        }
        return null;
    }

    private static int check(long target, long holder) {
        return (int) (Mix.fmix64(target ^ (holder * 0x9e3779b97f4a7c15L) ^ 0x4c494e4bL) >>> 49);
    }
}
