package io.nvmfs.core;

import io.nvmfs.nvmpg.Block;
import io.nvmfs.nvmpg.OutOfSpaceException;
import io.nvmfs.nvmpg.Owner;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * File contents: the data path. Every method is called with the inode's stripe write lock
 * (read lock for {@link #read}) held.
 *
 * <p>Invariants: bytes of an extent below EOF are file data or zeros; bytes at or after EOF are
 * undefined, so whatever moves EOF up (write past EOF, truncate up, fallocate) first zeroes the
 * part of the gap that lies in extents. Holes read as zeros and hold no pages. Data is copied
 * straight between the caller's segment and the mapped namespace with one copy per extent
 * piece, and new extents grow geometrically and stay aligned (a 1 GiB sequential file has 19).
 */
final class FileData {
    /** Largest extent: 2^18 pages = 1 GiB. */
    static final int MAX_EXTENT_ORDER = 18;
    /** Largest file: 16 TiB, as ext4 with 4 KiB blocks. */
    static final long MAX_SIZE = 1L << 44;

    private FileData() {}

    /** Copies up to {@code len} bytes at {@code off} into {@code dst}; returns the count (0 at EOF). */
    static int read(FsCore fs, Inode n, long off, MemorySegment dst, long dstOff, int len) {
        if (off >= n.size || len <= 0) {
            return 0;
        }
        long end = Math.min(n.size, off + len);
        long pos = off;
        while (pos < end) {
            long page = pos >>> 12;
            int i = n.extents.floor(page);
            long chunkEnd;
            if (i >= 0 && page < n.extents.end(i)) {
                chunkEnd = Math.min(end, n.extents.end(i) << 12);
                long phys = physical(n, i, pos);
                MemorySegment.copy(fs.seg, phys, dst, dstOff + (pos - off), chunkEnd - pos);
            } else {
                long next = n.extents.nextStart(page);
                chunkEnd = next == Long.MAX_VALUE ? end : Math.min(end, next << 12);
                dst.asSlice(dstOff + (pos - off), chunkEnd - pos).fill((byte) 0);
            }
            pos = chunkEnd;
        }
        return (int) (end - off);
    }

    /**
     * SEEK_DATA ({@code hole} false) or SEEK_HOLE from {@code off}, by the extent map: data is
     * every mapped page (an allocated page reads as data even where nothing was written, as POSIX
     * allows), a hole every page not mapped, and end of file counts as a hole. ENXIO when
     * {@code off} is at or past the end, or no data follows it. The caller holds the inode's lock.
     */
    static long seek(Inode n, long off, boolean hole) throws FsException {
        if (off < 0 || off >= n.size) {
            throw new FsException(Errno.ENXIO, "offset " + off + " is not before the end (" + n.size + ")");
        }
        long page = off >>> 12;
        long lastPage = (n.size - 1) >>> 12;
        if (!hole) {
            if (n.extents.find(page) >= 0) {
                return off;
            }
            long next = n.extents.nextStart(page);
            if (next > lastPage) {
                throw new FsException(Errno.ENXIO, "no data after " + off);
            }
            return next << 12;
        }
        long p = page;
        for (int i = n.extents.find(p); i >= 0; i = n.extents.find(p)) {
            p = n.extents.end(i);
            if (p > lastPage) {
                return n.size;
            }
        }
        return p == page ? off : p << 12;
    }

    /** Zeros to copy where a copy's source has a hole (a heap segment: nothing to free). */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[64 << 10]);
    /** The most one write of a copy takes at a time (FileData.write counts in int). */
    private static final long COPY_CHUNK = 1L << 30;

    /**
     * copy_file_range: {@code len} bytes of {@code src} from {@code srcOff} to {@code dst} at
     * {@code dstOff}, clipped at the source's end; returns the bytes copied, short only when space
     * ran out after some were copied (ENOSPC when none could be). One copy: each run the source
     * maps is written to the destination straight from the namespace; a hole in the source is
     * written as zeros. The caller holds both inodes' write locks, and they are different
     * inodes (a write to {@code dst} then cannot move the pages being read).
     */
    static long copy(FsCore fs, Inode src, long srcOff, Inode dst, long dstOff, long len) throws FsException {
        if (srcOff >= src.size || len <= 0) {
            return 0;
        }
        long end = Math.min(src.size, srcOff + len);
        long pos = srcOff;
        try {
            while (pos < end) {
                long page = pos >>> 12;
                int i = src.extents.floor(page);
                long chunkEnd;
                int written;
                if (i >= 0 && page < src.extents.end(i)) {
                    chunkEnd = Math.min(Math.min(end, src.extents.end(i) << 12), pos + COPY_CHUNK);
                    written = write(fs, dst, dstOff + (pos - srcOff), fs.seg, physical(src, i, pos), (int) (chunkEnd - pos));
                } else {
                    long next = src.extents.nextStart(page);
                    chunkEnd = Math.min(next == Long.MAX_VALUE ? end : Math.min(end, next << 12), pos + ZEROS.byteSize());
                    written = write(fs, dst, dstOff + (pos - srcOff), ZEROS, 0, (int) (chunkEnd - pos));
                }
                pos += written;
                if (pos < chunkEnd) {
                    break; // space ran out part way
                }
            }
        } catch (FsException e) {
            if (e.errno() != Errno.ENOSPC || pos == srcOff) {
                throw e;
            }
        }
        return pos - srcOff;
    }

    /**
     * Writes {@code len} bytes of {@code src} at {@code off}. Returns the bytes written; short only
     * when space ran out after some were written (ENOSPC when none could be).
     */
    static int write(FsCore fs, Inode n, long off, MemorySegment src, long srcOff, int len) throws FsException {
        if (len == 0) {
            return 0;
        }
        if (off + len > MAX_SIZE || off < 0) {
            throw new FsException(Errno.EFBIG, "write up to byte " + (off + len) + " exceeds the 16 TiB file size limit");
        }
        long end = off + len;
        long pos = off;
        while (pos < end) {
            long page = pos >>> 12;
            int i = n.extents.find(page);
            if (i < 0) {
                try {
                    i = allocate(fs, n, page, ((end - 1) >>> 12) + 1, pos, end, false);
                } catch (FsException e) {
                    if (pos > off) {
                        break;
                    }
                    throw e;
                }
            }
            long chunkEnd = Math.min(end, n.extents.end(i) << 12);
            MemorySegment.copy(src, srcOff + (pos - off), fs.seg, physical(n, i, pos), chunkEnd - pos);
            pos = chunkEnd;
        }
        if (off > n.size) {
            zeroInExtents(fs, n, n.size, off);
        }
        n.dirtyData.add(off, pos);
        if (pos > n.size) {
            n.size = pos;
        }
        n.metaDirty = true;
        return (int) (pos - off);
    }

    /** Sets the size: shrinking frees every page past the new end (after commit); growing zeroes. */
    static void truncate(FsCore fs, Inode n, long size, FsCore.AfterCommit after) throws FsException {
        if (size < 0 || size > MAX_SIZE) {
            throw new FsException(size < 0 ? Errno.EINVAL : Errno.EFBIG, "size " + size);
        }
        if (size > n.size) {
            zeroInExtents(fs, n, n.size, size);
        } else if (size < n.size) {
            removePages(fs, n, (size + 4095) >>> 12, Long.MAX_VALUE, after);
            n.keepEnd = 0; // truncating down drops the reservation past EOF too, as on ext4
        }
        n.size = size;
        n.metaDirty = true;
    }

    /** Removes logical pages {@code [from, to)} from the extent map; the blocks go after commit. */
    static void removePages(FsCore fs, Inode n, long from, long to, FsCore.AfterCommit after) {
        Owner owner = fs.ownerOf(n);
        int i = Math.max(0, n.extents.floor(from));
        while (i < n.extents.count() && n.extents.logical(i) < to) {
            long lo = n.extents.logical(i);
            long hi = n.extents.end(i);
            if (hi <= from) {
                i++;
                continue;
            }
            long phys = n.extents.physical(i);
            int order = n.extents.order(i);
            n.extents.remove(i);
            n.extentsDirty = true;
            long cutFrom = Math.max(lo, from);
            long cutTo = Math.min(hi, to);
            if (cutFrom == lo && cutTo == hi) {
                after.free(owner, phys, order);
                continue;
            }
            long physFrom = phys + (cutFrom - lo);
            List<Block> kept = FsCore.keptAfterRelease(phys, order, physFrom, cutTo - cutFrom);
            for (Block b : kept) {
                i = n.extents.insert(lo + (b.page() - phys), b.page(), b.order()) + 1;
            }
            after.release(owner, phys, order, physFrom, cutTo - cutFrom);
        }
    }

    /** PUNCH_HOLE: zeroes the partial pages at the edges, frees the whole pages inside. Size unchanged. */
    static void punch(FsCore fs, Inode n, long off, long len, FsCore.AfterCommit after) {
        long end = off + len;
        long firstWhole = (off + 4095) >>> 12;
        long lastWhole = end >>> 12;
        if (firstWhole >= lastWhole) {
            zeroInExtents(fs, n, off, end);
            return;
        }
        zeroInExtents(fs, n, off, firstWhole << 12);
        zeroInExtents(fs, n, lastWhole << 12, end);
        removePages(fs, n, firstWhole, lastWhole, after);
        n.metaDirty = true;
    }

    /** Allocates extents for every hole in {@code [off, off+len)}; zeroes those below the (new) EOF. */
    static void allocateRange(FsCore fs, Inode n, long off, long len, boolean keepSize) throws FsException {
        long end = off + len;
        if (end > MAX_SIZE) {
            throw new FsException(Errno.EFBIG, "range ends past the 16 TiB file size limit");
        }
        long newSize = keepSize ? n.size : Math.max(n.size, end);
        long page = off >>> 12;
        long lastPage = ((end - 1) >>> 12) + 1;
        while (page < lastPage) {
            int i = n.extents.find(page);
            if (i < 0) {
                i = allocate(fs, n, page, lastPage, page << 12, page << 12, true);
                long lo = n.extents.logical(i) << 12;
                long hi = Math.min(n.extents.end(i) << 12, newSize);
                if (hi > lo) {
                    zeroPhysical(fs, n, i, lo, hi);
                }
            }
            page = n.extents.end(i);
        }
        if (newSize > n.size) {
            zeroInExtents(fs, n, n.size, newSize);
            n.size = newSize;
        }
        if (keepSize && lastPage > pagesOf(n.size)) {
            n.keepEnd = Math.max(n.keepEnd, lastPage);
        }
        n.metaDirty = true;
    }

    static long pagesOf(long bytes) {
        return (bytes + 4095) >>> 12;
    }

    /** First page the tail trim may give back: past EOF and past any KEEP_SIZE reservation. */
    static long trimFrom(Inode n) {
        return Math.max(pagesOf(n.size), n.keepEnd);
    }

    /** Whether {@code n} holds blocks (or pieces of them) at or past {@link #trimFrom}. */
    static boolean hasTail(Inode n) {
        int last = n.extents.count() - 1;
        return last >= 0 && n.extents.end(last) > trimFrom(n);
    }

    /**
     * Gives back what the growth policy allocated past EOF (a file being appended to gets blocks
     * that double, and keeps them while it is open): the blocks past the last page in use are
     * split in the buddy manner and the unused pieces released after the commit, as a truncate
     * to the current size would. KEEP_SIZE reservations ({@code keepEnd}) stay.
     */
    static void trimTail(FsCore fs, Inode n, FsCore.AfterCommit after) {
        removePages(fs, n, trimFrom(n), Long.MAX_VALUE, after);
    }

    /** Persists every dirty byte range of {@code n} (through its extents), then forgets them. */
    static void persistDirty(FsCore fs, Inode n) {
        DirtyRanges d = n.dirtyData;
        for (int r = 0; r < d.count(); r++) {
            long pos = d.start(r);
            long end = d.end(r);
            while (pos < end) {
                long page = pos >>> 12;
                int i = n.extents.floor(page);
                if (i >= 0 && page < n.extents.end(i)) {
                    long chunkEnd = Math.min(end, n.extents.end(i) << 12);
                    fs.media.persist(physical(n, i, pos), chunkEnd - pos);
                    pos = chunkEnd;
                } else {
                    long next = n.extents.nextStart(page);
                    pos = next == Long.MAX_VALUE ? end : Math.max(pos + 1, next << 12);
                }
            }
        }
        d.clear();
    }

    /**
     * Allocates the extent for logical page {@code page}: as large as the growth policy, the
     * alignment of {@code page}, and the next extent allow; smaller when space is short. Zeroes
     * the part below EOF that {@code [writeFrom, writeTo)} will not overwrite. With {@code exact}
     * (fallocate) the block never reaches past {@code endPage}: a reservation takes exactly the
     * pages asked for, as the fewest aligned blocks.
     */
    private static int allocate(FsCore fs, Inode n, long page, long endPage, long writeFrom, long writeTo,
                                boolean exact) throws FsException {
        long want = endPage - page;
        int before = n.extents.floor(page - 1);
        if (!exact && before >= 0 && n.extents.end(before) == page) {
            // Growth doubles the extent the write continues, not the file's logical size: for a
            // file appended from 0 the two are the same (1, 1, 2, 4, ... pages), but a write next
            // to one page at 4 GiB took a 1 GiB block for it (want = page), a quarter of a 2 GiB
            // namespace (fstests generic/059).
            want = Math.max(want, 2 * (n.extents.end(before) - n.extents.logical(before)));
        }
        int order = Math.min(exact ? 63 - Long.numberOfLeadingZeros(want) : io.nvmfs.nvmpg.Pages.orderFor(want),
                MAX_EXTENT_ORDER);
        if (page != 0) {
            order = Math.min(order, Long.numberOfTrailingZeros(page));
        }
        long room = n.extents.nextStart(page) - page;
        order = Math.min(order, 63 - Long.numberOfLeadingZeros(room));
        Owner owner = fs.ownerOf(n);
        if (!n.isDir()) {
            long allowance = fs.pg.freePages() - fs.metaReserve;
            if (allowance < 1) {
                throw new FsException(Errno.ENOSPC, "no space left for file data (" + fs.pg.freePages()
                        + " pages free, " + fs.metaReserve + " kept for metadata)");
            }
            order = Math.min(order, 63 - Long.numberOfLeadingZeros(allowance));
        }
        long phys;
        while (true) {
            try {
                phys = fs.allocate(owner, order);
                break;
            } catch (OutOfSpaceException e) {
                if (e.largestFreeOrder() < 0) {
                    throw new FsException(Errno.ENOSPC, "no free page left");
                }
                order = Math.min(order - 1, e.largestFreeOrder());
            }
        }
        int i = n.extents.insert(page, phys, order);
        n.extentsDirty = true;
        n.metaDirty = true;
        long lo = page << 12;
        long hi = Math.min(n.extents.end(i) << 12, n.size);
        if (lo < hi) {
            if (writeFrom > lo) {
                zeroPhysical(fs, n, i, lo, Math.min(writeFrom, hi));
            }
            if (writeTo < hi) {
                zeroPhysical(fs, n, i, Math.max(writeTo, lo), hi);
            }
        }
        return i;
    }

    /** Zeroes the bytes of {@code [from, to)} that lie in extents, and marks them dirty. */
    static void zeroInExtents(FsCore fs, Inode n, long from, long to) {
        long pos = from;
        while (pos < to) {
            long page = pos >>> 12;
            int i = n.extents.floor(page);
            if (i >= 0 && page < n.extents.end(i)) {
                long chunkEnd = Math.min(to, n.extents.end(i) << 12);
                zeroPhysical(fs, n, i, pos, chunkEnd);
                pos = chunkEnd;
            } else {
                long next = n.extents.nextStart(page);
                pos = next == Long.MAX_VALUE ? to : Math.max(pos + 1, next << 12);
            }
        }
    }

    private static void zeroPhysical(FsCore fs, Inode n, int i, long from, long to) {
        fs.seg.asSlice(physical(n, i, from), to - from).fill((byte) 0);
        n.dirtyData.add(from, to);
    }

    /** Byte address in the namespace of file byte {@code pos}, which lies in extent {@code i}. */
    private static long physical(Inode n, int i, long pos) {
        return ((n.extents.physical(i) + ((pos >>> 12) - n.extents.logical(i))) << 12) + (pos & 4095);
    }
}
