package io.nvmfs.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The DRAM index of one directory ({@link DirentFormat} on the media): name to the byte offset of
 * its entry, and per page the largest record that still fits, in a max-tree so an insert finds
 * room in O(log pages). Lookup, insert and remove therefore cost the same in a directory of
 * 100,000 entries as in one of 10.
 *
 * <p>Protocol: plan a change against the media (which holds the committed state, since the
 * caller holds the directory's lock), add its writes to a transaction, commit, then call the
 * matching {@code after*} method so the index follows the media. Guarded by the directory's lock.
 */
final class Directory {
    /**
     * Name to {@code offset << INO_BITS | ino}: the entry's byte offset in the directory and its
     * inode, so a lookup never touches the media (one cache miss fewer; inode numbers are below
     * 2^21, offsets below 2^40).
     */
    private final NameIndex offsets = new NameIndex();
    private static final int INO_BITS = 24;
    private static final long INO_MASK = (1L << INO_BITS) - 1;
    /** Max-tree over pages: leaf p = largest record insertable into logical page p. */
    private int[] tree = new int[2];
    private int leaves = 1;
    private int pages;

    /** Reads every page of directory {@code dir}, validating each record. */
    static Directory load(MemorySegment media, Inode dir) throws CorruptFsException {
        Directory d = new Directory();
        int pages = (int) (dir.size >>> 12);
        d.ensurePages(pages);
        for (int p = 0; p < pages; p++) {
            long base = physical(dir, p);
            if (base < 0) {
                throw new CorruptFsException("directory " + dir.ino, "page " + p + " is a hole");
            }
            int off = 0;
            while (off < DirentFormat.PAGE) {
                long at = base + off;
                int recLen = Short.toUnsignedInt(media.get(Le.SHORT, at + DirentFormat.OFF_REC_LEN));
                long ino = media.get(Le.LONG, at + DirentFormat.OFF_INO);
                int nameLen = Byte.toUnsignedInt(media.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN));
                if (!recordFits(off, recLen, ino, nameLen)) {
                    throw new CorruptFsException("directory " + dir.ino, "bad entry at page " + p + " offset " + off);
                }
                if (ino != 0) {
                    byte[] name = media.asSlice(at + DirentFormat.OFF_NAME, nameLen).toArray(ValueLayout.JAVA_BYTE);
                    if (ino > INO_MASK) {
                        throw new CorruptFsException("directory " + dir.ino, "entry at page " + p + " offset " + off
                                + " names inode " + ino + ", beyond any inode table");
                    }
                    if (d.offsets.put(name, pack(((long) p << 12) + off, ino)) >= 0) {
                        throw new CorruptFsException("directory " + dir.ino, "duplicate name '" + Name.of(name) + "'");
                    }
                }
                off += recLen;
            }
            d.setGap(p, scanGap(media, base));
        }
        return d;
    }

    int entries() {
        return offsets.size();
    }

    /** Heap bytes of the index (for the cache's weigher). */
    long bytes() {
        return offsets.bytes() + 8L * tree.length;
    }

    /** Inode of {@code name}, or 0. */
    long lookup(Name name) {
        long v = offsets.get(name.bytes, name.indexHash());
        return v < 0 ? 0 : v & INO_MASK;
    }

    private static long pack(long offset, long ino) {
        return (offset << INO_BITS) | ino;
    }

    private long offsetOf(Name name) {
        return offsets.get(name.bytes) >>> INO_BITS;
    }

    /** True if a record of {@code name} fits without growing the directory. */
    boolean hasRoomFor(Name name) {
        return findPage(DirentFormat.needed(name.bytes.length)) >= 0;
    }

    /**
     * Adds to {@code tx} the writes that insert {@code name → ino}; returns the entry's offset.
     * The caller has made sure there is room ({@link #hasRoomFor}).
     */
    long planInsert(Transaction tx, FsCore fs, Inode dir, Name name, long ino, int type) throws FsException {
        MemorySegment media = fs.seg;
        int need = DirentFormat.needed(name.bytes.length);
        int p = findPage(need);
        long base = physical(dir, p);
        int off = 0;
        while (off < DirentFormat.PAGE) {
            long at = base + off;
            int recLen = checkedRecLen(fs, base, off, dir, p);
            int used = used(media, at);
            if (used == 0) {
                // A run of unused records is one hole: fold it into its first record.
                int run = recLen;
                while (off + run < DirentFormat.PAGE && run < need && used(media, base + off + run) == 0) {
                    run += checkedRecLen(fs, base, off + run, dir, p);
                }
                if (run >= need) {
                    tx.write(base + off, record(name, ino, type, run));
                    return ((long) p << 12) + off;
                }
                off += run;
                continue;
            }
            if (recLen - used >= need) {
                tx.write(at + DirentFormat.OFF_REC_LEN, shortBytes(used));
                tx.write(base + off + used, record(name, ino, type, recLen - used));
                return ((long) p << 12) + off + used;
            }
            off += recLen;
        }
        throw new IllegalStateException("directory " + dir.ino + " page " + p + " lost the room its index promised");
    }

    /**
     * The record length at {@code off}, refusing one that cannot be (shorter than a header, or
     * past the page): the page changed under the index, and walking on would loop forever on a
     * zero length. Fails the call (EIO, and the filesystem goes read-only) instead of hanging it.
     */
    private static int checkedRecLen(FsCore fs, long base, int off, Inode dir, int p) throws FsException {
        int recLen = recLen(fs.seg, base + off);
        if (recLen < DirentFormat.HEADER || off + recLen > DirentFormat.PAGE) {
            throw fs.corrupt(new CorruptFsException("directory " + dir.ino,
                    "page " + p + " offset " + off + ": record length " + recLen));
        }
        return recLen;
    }

    private static int recLen(MemorySegment media, long at) {
        return Short.toUnsignedInt(media.get(Le.SHORT, at + DirentFormat.OFF_REC_LEN));
    }

    /** Bytes the record at {@code at} needs: 0 when unused. */
    private static int used(MemorySegment media, long at) {
        if (media.get(Le.LONG, at + DirentFormat.OFF_INO) == 0) {
            return 0;
        }
        return DirentFormat.needed(Byte.toUnsignedInt(media.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN)));
    }

    void afterInsert(MemorySegment media, Inode dir, Name name, long offset, long ino) {
        offsets.put(name.bytes, pack(offset, ino));
        int p = (int) (offset >>> 12);
        setGap(p, scanGap(media, physical(dir, p)));
    }

    /**
     * Adds to {@code tx} the write that removes the entry of {@code name} (which must exist): its
     * ino becomes 0. Only the entry's own first word is written, so a removal and an insert
     * planned against the same page state (a rename within one directory) never write the same bytes.
     */
    void planRemove(Transaction tx, Inode dir, Name name) {
        tx.putLong(physical(dir, offsetOf(name)) + DirentFormat.OFF_INO, 0);
    }

    void afterRemove(MemorySegment media, Inode dir, Name name) {
        long offset = offsets.remove(name.bytes) >>> INO_BITS;
        int p = (int) (offset >>> 12);
        setGap(p, scanGap(media, physical(dir, p)));
    }

    /** Adds to {@code tx} the writes that point the existing entry of {@code name} at {@code ino}. */
    void planRetarget(Transaction tx, Inode dir, Name name, long ino, int type) {
        long at = physical(dir, offsetOf(name));
        tx.putLong(at + DirentFormat.OFF_INO, ino);
        tx.write(at + DirentFormat.OFF_TYPE, new byte[] {(byte) type});
    }

    void afterRetarget(Name name, long ino) {
        offsets.put(name.bytes, pack(offsetOf(name), ino));
    }

    /** Registers pages just added to the directory (each one empty record spanning the page). */
    void afterGrow(int newPages) {
        int from = pages;
        ensurePages(pages + newPages);
        for (int p = from; p < pages; p++) {
            setGap(p, DirentFormat.PAGE);
        }
    }

    /** Initialises page {@code base} as empty: one unused record spanning it. Does not persist. */
    static void formatPage(MemorySegment media, long base) {
        media.asSlice(base, DirentFormat.PAGE).fill((byte) 0);
        media.set(Le.SHORT, base + DirentFormat.OFF_REC_LEN, (short) DirentFormat.PAGE);
    }

    /** Whether a record's header is one a directory page can hold at {@code off} (shared by load and list). */
    static boolean recordFits(int off, int recLen, long ino, int nameLen) {
        return recLen >= DirentFormat.HEADER && (recLen & 7) == 0 && off + recLen <= DirentFormat.PAGE && ino >= 0
                && (ino == 0 || (nameLen != 0 && DirentFormat.needed(nameLen) <= recLen));
    }

    /**
     * Entries from {@code cookie} on (see {@link DirEntry}), at most {@code max}, appended to
     * {@code out}. Walks the directory's pages from {@code cookie}, checking every record it passes as
     * {@link #load} does: a damaged page is corruption (EIO and read-only through the caller),
     * never garbage names or a walk off the page.
     */
    static long list(MemorySegment media, Inode dir, long cookie, int max, List<DirEntry> out) throws CorruptFsException {
        long pos = Math.max(0, cookie - 2);
        long end = dir.size;
        while (pos < end && out.size() < max) {
            int p = (int) (pos >>> 12);
            long base = physical(dir, p);
            if (base < 0) {
                throw new CorruptFsException("directory " + dir.ino, "page " + p + " is a hole");
            }
            int off = 0;
            while (off < DirentFormat.PAGE && out.size() < max) {
                long at = base + off;
                int recLen = Short.toUnsignedInt(media.get(Le.SHORT, at + DirentFormat.OFF_REC_LEN));
                long ino = media.get(Le.LONG, at + DirentFormat.OFF_INO);
                long recPos = ((long) p << 12) + off;
                int nameLen = Byte.toUnsignedInt(media.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN));
                if (!recordFits(off, recLen, ino, nameLen) || ino > INO_MASK) {
                    throw new CorruptFsException("directory " + dir.ino, "bad entry at page " + p + " offset " + off);
                }
                if (ino != 0 && recPos >= pos) {
                    byte[] name = media.asSlice(at + DirentFormat.OFF_NAME, nameLen).toArray(ValueLayout.JAVA_BYTE);
                    int type = Byte.toUnsignedInt(media.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_TYPE));
                    out.add(new DirEntry(name, ino, type, recPos + 3));
                }
                off += recLen;
            }
            if (out.size() < max) {
                pos = ((long) p + 1) << 12;
            }
        }
        return pos;
    }

    /** Byte address of directory byte offset {@code offset}, or -1 for a hole. */
    static long physical(Inode dir, long offset) {
        long page = offset >>> 12;
        int i = dir.extents.find(page);
        if (i < 0) {
            return -1;
        }
        return ((dir.extents.physical(i) + (page - dir.extents.logical(i))) << 12) + (offset & 4095);
    }

    private static long physical(Inode dir, int page) {
        return physical(dir, (long) page << 12);
    }

    /** Largest record insertable into the page at {@code base} (runs of unused records count as one). */
    private static int scanGap(MemorySegment media, long base) {
        int best = 0;
        int off = 0;
        int run = 0;
        while (off < DirentFormat.PAGE) {
            long at = base + off;
            int recLen = Math.max(recLen(media, at), DirentFormat.HEADER);
            int used = used(media, at);
            if (used == 0) {
                run += recLen;
                best = Math.max(best, run);
            } else {
                run = 0;
                best = Math.max(best, recLen - used);
            }
            off += recLen;
        }
        return best;
    }

    private static byte[] record(Name name, long ino, int type, int recLen) {
        byte[] r = new byte[DirentFormat.needed(name.bytes.length)];
        MemorySegment s = MemorySegment.ofArray(r);
        s.set(Le.LONG, DirentFormat.OFF_INO, ino);
        s.set(Le.SHORT, DirentFormat.OFF_REC_LEN, (short) recLen);
        r[DirentFormat.OFF_NAME_LEN] = (byte) name.bytes.length;
        r[DirentFormat.OFF_TYPE] = (byte) type;
        System.arraycopy(name.bytes, 0, r, DirentFormat.OFF_NAME, name.bytes.length);
        return r;
    }

    private static byte[] shortBytes(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }

    // ---- max-tree over pages

    private void ensurePages(int n) {
        if (n > leaves) {
            int newLeaves = leaves;
            while (newLeaves < n) {
                newLeaves *= 2;
            }
            int[] old = tree;
            int oldLeaves = leaves;
            leaves = newLeaves;
            tree = new int[2 * leaves];
            for (int p = 0; p < oldLeaves; p++) {
                tree[leaves + p] = old[oldLeaves + p];
            }
            for (int i = leaves - 1; i >= 1; i--) {
                tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
            }
        }
        pages = Math.max(pages, n);
    }

    private void setGap(int page, int gap) {
        int i = leaves + page;
        tree[i] = gap;
        for (i >>= 1; i >= 1; i >>= 1) {
            tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
        }
    }

    /** Lowest page whose largest insertable record is at least {@code need}, or -1. */
    private int findPage(int need) {
        if (pages == 0 || tree[1] < need) {
            return -1;
        }
        int i = 1;
        while (i < leaves) {
            i = tree[2 * i] >= need ? 2 * i : 2 * i + 1;
        }
        return i - leaves;
    }
}
