package io.nvmfs.core;

import io.nvmfs.nvmpg.FormatOptions;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.OutOfSpaceException;
import io.nvmfs.nvmpg.Owner;
import java.util.UUID;

/**
 * Makes a filesystem on a namespace: nvmpg format, three owners, the journal block, the
 * superblock, inode chunk 0 and the root directory. Everything is written directly and
 * persisted; the commit point is the last step, storing the superblock's page in the metadata
 * owner's root slot. A crash before it leaves a namespace with no filesystem (attach says so).
 */
public final class Mkfs {
    /** Journal size bounds: 1/256 of the namespace, between 256 KiB and 64 MiB. */
    static final int MIN_JOURNAL_ORDER = 6;
    static final int MAX_JOURNAL_ORDER = 14;

    private Mkfs() {}

    /** Default journal order for a namespace of {@code bytes}. */
    public static int defaultJournalOrder(long bytes) {
        long pages = (bytes >>> 12) / 256;
        int order = 63 - Long.numberOfLeadingZeros(Math.max(1, pages));
        return Math.max(MIN_JOURNAL_ORDER, Math.min(MAX_JOURNAL_ORDER, order));
    }

    /** Formats {@code media}; {@code journalOrder} &lt;= 0 picks the default. */
    public static void format(Media media, String label, int journalOrder, TimeSource time) throws FsException {
        format(media, label, journalOrder, time, UUID.randomUUID());
    }

    /**
     * Formats {@code media} with a given filesystem UUID, and the format time taken from
     * {@code time}: the same arguments give the same bytes (the test-image generator relies on it).
     */
    public static void format(Media media, String label, int journalOrder, TimeSource time, UUID uuid) throws FsException {
        int jOrder = journalOrder > 0 ? journalOrder : defaultJournalOrder(media.size());
        if (jOrder < 1 || jOrder > 20) {
            throw new FsException(Errno.EINVAL, "journal order " + jOrder + " outside 1..20");
        }
        try {
            long[] formatTime = time.now();
            NvmPages pg = NvmPages.format(media, new FormatOptions(uuid, label, formatTime[0] * 1000 + formatTime[1] / 1_000_000));
            Owner meta = pg.openOwner(Owners.meta(uuid), "fs-meta");
            pg.openOwner(Owners.data(uuid), "fs-data");
            Owner journalOwner = pg.openOwner(Owners.journal(uuid), "fs-journal");
            long journal = pg.alloc(journalOwner, jOrder);
            Journal.format(media, journal << 12, (1L << jOrder) << 12);
            long sb = pg.alloc(meta, 0);
            long chunk0 = pg.alloc(meta, InodeTable.chunkOrder(0));
            long chunkBytes = (1L << InodeTable.chunkOrder(0)) << 12;
            media.segment().asSlice(chunk0 << 12, chunkBytes).fill((byte) 0);
            FsSuperblockFormat.write(media.segment(), sb << 12, uuid, journal, jOrder);
            media.segment().set(Le.LONG, FsSuperblockFormat.chunkSlot(sb << 12, 0), chunk0);
            media.segment().set(Le.LONG, (sb << 12) + FsSuperblockFormat.OFF_CLEAN, 1L);
            Inode root = new Inode(InodeTable.ROOT);
            root.mode = Mode.S_IFDIR | 0755;
            root.nlink = 2;
            root.parent = InodeTable.ROOT;
            long[] now = time.now();
            for (int t = 0; t < 4; t++) {
                root.setTime(t, now);
            }
            byte[] rec = InodeCodec.encode(root);
            java.lang.foreign.MemorySegment.copy(rec, 0, media.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE,
                    (chunk0 << 12) + InodeTable.ROOT * InodeFormat.SIZE, rec.length);
            media.persist(chunk0 << 12, chunkBytes);
            media.persist(sb << 12, 4096);
            pg.setRoot(meta, sb);
        } catch (OutOfSpaceException e) {
            throw new FsException(Errno.ENOSPC, "namespace too small for a filesystem: " + e.getMessage());
        } catch (NvmpgException e) {
            throw new FsException(Errno.EIO, "mkfs failed: " + e.getMessage(), e);
        }
    }
}
