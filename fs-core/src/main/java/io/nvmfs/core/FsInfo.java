package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.Owner;
import java.util.UUID;

/**
 * What {@code nvmfs info} shows about the filesystem layer, read without writing anything (safe
 * on a mounted namespace, where the figures are a live snapshot).
 */
public record FsInfo(int version, long lastMountMillis, long mountCount, boolean clean, long journalBytes, long journalPage, long inodeCapacity, long inodesUsed) {

    /** Reads the filesystem superblock and inode table of an nvmpg namespace attached read-only. */
    public static FsInfo read(Media media, NvmPages pg) throws FsException {
        UUID uuid = pg.superblock().uuid();
        Owner meta = pg.findOwner(Owners.meta(uuid)).orElseThrow(
                () -> new FsException(Errno.EINVAL, "no nvmfs filesystem on this namespace"));
        long sb = pg.root(meta) << 12;
        String problem = sb <= 0 || sb >= media.size() ? "superblock pointer outside the namespace"
                : FsSuperblockFormat.problemBeforeReplay(media.segment(), sb); // a mount may be mid-upgrade
        if (problem != null) {
            throw new FsException(Errno.EIO, "filesystem superblock: " + problem);
        }
        InodeTable table = new InodeTable(media, sb);
        try {
            table.load();
        } catch (CorruptFsException e) {
            throw new FsException(Errno.EIO, e.getMessage());
        }
        int jOrder = media.segment().get(Le.INT, sb + FsSuperblockFormat.OFF_JOURNAL_ORDER);
        return new FsInfo(media.segment().get(Le.INT, sb + FsSuperblockFormat.OFF_VERSION),
                media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_LAST_MOUNT),
                media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_MOUNT_COUNT),
                media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_CLEAN) == 1,
                (1L << jOrder) << 12, media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_JOURNAL_PAGE),
                table.capacity() - 1, table.capacity() - 1 - table.freeCount());
    }
}
