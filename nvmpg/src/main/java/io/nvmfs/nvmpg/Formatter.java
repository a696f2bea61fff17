package io.nvmfs.nvmpg;

/**
 * Writes a fresh, empty nvmpg namespace.
 *
 * <p>Atomic by order of persists: (1) the magic of each superblock copy is cleared and persisted
 * (one 8-byte store each), then both pages are zeroed and persisted, so an interrupted format
 * can never leave an older format's superblock in front of new owner data;
 * (2) the owner table, holding only the allocator's own owner, is written and persisted;
 * (3) the backup superblock, then (4) the primary, each written magic-last
 * ({@link SuperblockFormat#writeDurably}). A valid copy
 * exists only after everything it describes is durable, so a crash leaves either no valid
 * superblock or a complete namespace (attach restores a missing primary from the backup).
 */
final class Formatter {
    private Formatter() {}

    static void format(Media media, FormatOptions options) {
        long pages = media.pages();
        if (pages < Layout.MIN_PAGES) {
            throw new IllegalArgumentException("namespace of " + media.size() + " bytes is too small; nvmpg needs at least "
                    + (long) Layout.MIN_PAGES * Pages.SIZE + " bytes");
        }
        long primary = Pages.toBytes(Layout.PRIMARY_SUPERBLOCK_PAGE);
        long backup = Pages.toBytes(Layout.backupSuperblockPage(pages));
        // Kill each copy's magic with one aligned store first: from here on an interrupted format
        // reads as "not formatted" (or, while the backup magic survives, as the old namespace,
        // whose owner table is still intact), never as a half-zeroed superblock.
        media.putLong(primary + SuperblockFormat.OFF_MAGIC, 0);
        media.persist(primary + SuperblockFormat.OFF_MAGIC, 8);
        media.putLong(backup + SuperblockFormat.OFF_MAGIC, 0);
        media.persist(backup + SuperblockFormat.OFF_MAGIC, 8);
        media.zero(primary, Pages.SIZE);
        media.zero(backup, Pages.SIZE);
        media.persist(primary, Pages.SIZE);
        media.persist(backup, Pages.SIZE);

        long table = Pages.toBytes(Layout.OWNER_TABLE_PAGE);
        media.zero(table, Pages.SIZE);
        OwnerTableFormat.writeBody(media, OwnerTableFormat.ALLOCATOR_SLOT,
                OwnerTableFormat.ALLOCATOR_UUID, OwnerTableFormat.ALLOCATOR_LABEL);
        OwnerTableFormat.commit(media, OwnerTableFormat.ALLOCATOR_SLOT);
        media.persist(table, Pages.SIZE);

        Superblock sb = new Superblock(SuperblockFormat.VERSION, 0, 0, 0, Pages.MAX_ORDER, pages, options.uuid(),
                Layout.OWNER_TABLE_PAGE, OwnerTableFormat.SLOTS, Layout.backupSuperblockPage(pages),
                options.formatTimeMillis(), options.label());
        SuperblockFormat.writeDurably(media, backup, sb);
        SuperblockFormat.writeDurably(media, primary, sb);
    }
}
