package io.nvmfs.fsck;

import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.InodeTable;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mode;
import io.nvmfs.nvmpg.Pages;

/**
 * Pass 3c — the inode-table chunk list, read after the journal replay (chunk pointers are
 * journaled, so the replay may rewrite them).
 *
 * <p>Contract: on return {@code chunkPage} holds chunks 0..k-1, each aligned for its order,
 * inside the allocatable space, overlapping no record page, the superblock, the journal or
 * another chunk, and holding inode records (checked on its first page); each is claimed for
 * the metadata owner. Chunk k's inode numbers follow from k alone, so a bad pointer in the
 * middle of the list cannot simply be dropped: it is pointed at the block that still holds the
 * chunk (the metadata owner's only unclaimed block of that order that holds inode records, or
 * for chunk 0 the page holding the root inode), or else an empty chunk takes its place so the
 * chunks after it keep their inodes. A bad pointer with no verified chunk after it ends the
 * table there instead. Chunk 0 always exists afterwards (a lost one is replaced by an empty
 * page; pass 4 recreates the root).
 */
final class InodeTableChunks {
    /** Of the first page's 16 inode slots, at most this many may be neither free nor checksummed. */
    private static final int DAMAGED_SLOTS_ALLOWED = 4;
    private static final int SLOTS_PER_PAGE = Pages.SIZE / InodeFormat.SIZE;

    private final CheckState st;
    private final long[] pointer = new long[FsSuperblockFormat.MAX_CHUNKS];

    private InodeTableChunks(CheckState st) {
        this.st = st;
    }

    static void load(CheckState st) {
        new InodeTableChunks(st).load();
    }

    private void load() {
        st.records.sort(); // isChunk looks records up; pass 4b sorts them again (cheap when sorted)
        for (int k = 0; k < pointer.length; k++) {
            pointer[k] = st.seg.get(Le.LONG, FsSuperblockFormat.chunkSlot(st.sb, k));
        }
        long[] pages = new long[pointer.length];
        int k = 0;
        for (; k < pointer.length; k++) {
            int order = InodeTable.chunkOrder(k);
            long page = pointer[k];
            if (k > 0 && page == 0 && !verifiedChunkAfter(k)) {
                // The normal end of the table, unless the metadata owner still holds chunk k.
                if (foundElsewhere(k) < 0) {
                    break;
                }
                page = replace(k);
            } else if (!isChunk(page, order) || (k == 0 && !holdsRoot(st, page) && foundElsewhere(k) >= 0)) {
                page = replace(k);
                if (page < 0) {
                    endTable(k);
                    break;
                }
            }
            pages[k] = page;
            st.claims.add(Claim.of(page, order, true, Claim.SYSTEM_META));
        }
        st.chunkPage = java.util.Arrays.copyOf(pages, k);
        st.inodeCapacity = InodeTable.chunkStart(k);
    }

    /**
     * A replacement for chunk k's pointer: the block that still holds the chunk, else (when chunks
     * after it would otherwise be lost, or for chunk 0) a new empty one; -1 to end the table at k.
     * With the repair declined the replacement is still what the later passes read, so that -n
     * reports what -y would do; only a lost chunk 0 left unreplaced stops the check.
     */
    private long replace(int k) {
        int order = InodeTable.chunkOrder(k);
        long found = foundElsewhere(k);
        if (found >= 0) {
            if (st.report.problem(Problem.FS05, "inode-table chunk " + k,
                    "names page " + Pages.hex(pointer[k]) + "; chunk found at page " + Pages.hex(found))) {
                st.writer.putLong(FsSuperblockFormat.chunkSlot(st.sb, k), found);
            }
            return found;
        }
        if (k > 0 && !verifiedChunkAfter(k)) {
            return -1;
        }
        long fresh = unclaimedBlock(order);
        if (fresh < 0) {
            if (k == 0) {
                throw new FsckAbort("inode-table chunk 0 is lost and no page is free for a new one");
            }
            return -1;
        }
        if (!st.report.problem(Problem.FS06, "inode-table chunk " + k, "pointer " + Pages.hex(pointer[k])
                + (k == 0 ? " and no metadata page holds the root inode" : " and no metadata block holds the chunk"))) {
            if (k == 0) {
                throw new FsckAbort("inode-table chunk 0 is lost (the root inode with it); nothing more can be checked");
            }
            return -1;
        }
        st.writer.zero(fresh << 12, Pages.toBytes(1L << order));
        st.writer.putLong(FsSuperblockFormat.chunkSlot(st.sb, k), fresh);
        return fresh;
    }

    private void endTable(int k) {
        if (st.report.problem(Problem.FS03, "inode-table chunk " + k,
                "page " + Pages.hex(pointer[k]) + " order " + InodeTable.chunkOrder(k))) {
            for (int j = k; j < pointer.length; j++) {
                if (pointer[j] != 0) {
                    st.writer.putLong(FsSuperblockFormat.chunkSlot(st.sb, j), 0L);
                }
            }
        }
    }

    /** Whether some chunk after k has a pointer to a block that holds live inode records. */
    private boolean verifiedChunkAfter(int k) {
        for (int j = k + 1; j < pointer.length; j++) {
            if (pointer[j] != 0 && isChunk(pointer[j], InodeTable.chunkOrder(j)) && liveInodes(pointer[j]) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The metadata owner's block that still holds chunk k: for chunk 0 the page holding the root
     * inode; for another chunk the only block of its order that holds live inode records and that
     * no pointer and no claim names (two such blocks: which is which cannot be told). -1 if none.
     */
    private long foundElsewhere(int k) {
        int order = InodeTable.chunkOrder(k);
        long found = -1;
        for (int i = 0; i < st.records.size(); i++) {
            long r = st.records.get(i);
            long page = Rec.page(r);
            if (Rec.slot(r) != st.metaSlot || Rec.order(r) != order || page == pointer[k]) {
                continue;
            }
            boolean holds = k == 0 ? holdsRoot(st, page) : isChunk(page, order) && liveInodes(page) > 0 && !named(page);
            if (holds && !overlapsClaim(page, order)) {
                if (k == 0) {
                    return page;
                }
                if (found >= 0) {
                    return -1;
                }
                found = page;
            }
        }
        return found;
    }

    private boolean named(long page) {
        for (long p : pointer) {
            if (p == page) {
                return true;
            }
        }
        return false;
    }

    /**
     * In range, aligned, overlapping nothing claimed, and either recorded as the metadata
     * owner's block of exactly that order (then whatever damage its inodes have is pass 4's to
     * repair, inode by inode) or, unrecorded, its first page reads as inode records.
     */
    private boolean isChunk(long page, int order) {
        if (!st.inBuddySpace(page, order) || overlapsClaim(page, order)) {
            return false;
        }
        if (st.metaSlot >= 0 && st.records.search(Rec.of(page, order, st.metaSlot)) >= 0) {
            return true;
        }
        int damaged = 0;
        for (int i = 0; i < SLOTS_PER_PAGE; i++) {
            long at = (page << 12) + (long) i * InodeFormat.SIZE;
            if (!free(at) && !InodeFormat.crcMatches(st.seg, at)) {
                damaged++;
            }
        }
        return damaged <= DAMAGED_SLOTS_ALLOWED;
    }

    private int liveInodes(long page) {
        int live = 0;
        for (int i = 0; i < SLOTS_PER_PAGE; i++) {
            long at = (page << 12) + (long) i * InodeFormat.SIZE;
            if (st.seg.get(Le.INT, at + InodeFormat.OFF_MODE) != 0 && InodeFormat.crcMatches(st.seg, at)) {
                live++;
            }
        }
        return live;
    }

    private boolean free(long at) {
        for (int off = 0; off < InodeFormat.SIZE; off += 8) {
            if (st.seg.get(Le.LONG, at + off) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The page is chunk 0 as far as its contents tell: inode 1 has a good checksum and is a directory. */
    static boolean holdsRoot(CheckState st, long page) {
        if (!st.inBuddySpace(page, 0)) {
            return false;
        }
        long at = (page << 12) + InodeTable.ROOT * InodeFormat.SIZE;
        return InodeFormat.crcMatches(st.seg, at) && Mode.isDir(st.seg.get(Le.INT, at + InodeFormat.OFF_MODE));
    }

    /** Whether the block overlaps a claim made so far (record pages, superblock, journal, earlier chunks). */
    private boolean overlapsClaim(long page, int order) {
        long end = page + (1L << order);
        for (int i = 0; i < st.claims.size(); i++) {
            long c = st.claims.get(i);
            if (Claim.page(c) < end && page < Claim.end(c)) {
                return true;
            }
        }
        return false;
    }

    /** The first aligned block of {@code order} that no record and no claim covers; -1 if none. */
    private long unclaimedBlock(int order) {
        LongList taken = new LongList(st.records.size() + st.claims.size());
        for (int i = 0; i < st.records.size(); i++) {
            long r = st.records.get(i);
            taken.add(Claim.of(Rec.page(r), Rec.order(r), true, Claim.SYSTEM_META));
        }
        for (int i = 0; i < st.claims.size(); i++) {
            taken.add(st.claims.get(i));
        }
        taken.sort();
        return SpaceAllocator.firstFree(taken, order, st.usableEnd());
    }
}
