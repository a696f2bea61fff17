package io.nvmfs.fsck;

/**
 * A block some structure says it uses, packed in one long so that millions sort as a primitive
 * array:
 *
 * <pre>
 * bits 27..63  page (first page of the block; so fsck handles namespaces up to 2^37 pages, 512 TiB)
 * bit  26      metadata: the block belongs under the metadata owner (else under the data owner)
 * bits 21..25  order
 * bits  0..20  claimant: an inode number, or one of the system ids below
 * </pre>
 *
 * Sorting by the long sorts by page first, which is what the overlap sweep needs.
 */
final class Claim {
    static final int ID_BITS = 21;
    static final long MAX_PAGE = (1L << 37) - 1;
    /** The filesystem superblock and the inode-table chunks (metadata owner). */
    static final int SYSTEM_META = (1 << ID_BITS) - 1;
    /** The journal block (journal owner). */
    static final int SYSTEM_JOURNAL = (1 << ID_BITS) - 2;
    /** A record page: allocated by chain membership, never by a record. */
    static final int RECORD_PAGE = (1 << ID_BITS) - 3;

    private Claim() {}

    static long of(long page, int order, boolean meta, int claimant) {
        return (page << 27) | ((meta ? 1L : 0L) << 26) | ((long) order << 21) | claimant;
    }

    static long page(long c) {
        return c >>> 27;
    }

    static int order(long c) {
        return (int) ((c >>> 21) & 31);
    }

    static boolean meta(long c) {
        return ((c >>> 26) & 1) != 0;
    }

    static int claimant(long c) {
        return (int) (c & ((1 << ID_BITS) - 1));
    }

    static long end(long c) {
        return page(c) + (1L << order(c));
    }

    static boolean isInode(long c) {
        return claimant(c) < RECORD_PAGE;
    }

    static String describe(long c) {
        int id = claimant(c);
        return switch (id) {
            case SYSTEM_META -> "filesystem metadata";
            case SYSTEM_JOURNAL -> "the journal";
            case RECORD_PAGE -> "a record page";
            default -> "inode " + id;
        };
    }
}
