package io.nvmfs.core;

import io.nvmfs.nvmpg.OutOfSpaceException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An inode's extended attributes on the media: all of them in one block ({@link XattrBlockFormat}),
 * read whole or searched for one name, and replaced whole, copy-on-write. {@link #store} writes
 * and persists a new version 2 block of the smallest order that holds the attributes, the
 * caller's journaled inode record switches to it, and the old block (version 2, or an older
 * image's version 1 page) is freed after that commit, with its order. A crash before the commit
 * leaves the new block recorded and unreferenced, after it the old one; the next attach's leak
 * scan frees either.
 *
 * <p>The first read of a block by a DRAM copy of its inode validates it (header, CRC, every
 * entry inside the used bytes); damage turns the filesystem read-only and fails the call with
 * EIO. Later reads trust it ({@link Inode#xattrVerified}).
 *
 * <p>Space: a block larger than both one page and the block it replaces is taken only while the
 * metadata reserve stays free after it ({@link FsCore#metaReserve}, which file data may not take
 * either): an inode's attributes can reach 1 MiB, and they must not use up the pages a full
 * filesystem needs to commit written data and to delete. A change that does not grow the block
 * (a removal, a smaller value) may use the reserve, so attributes can always be removed, and so
 * can a first one-page block, as the version 1 page always could.
 */
final class Xattrs {
    private Xattrs() {}

    /** All attributes of {@code n}, in stored order. */
    static Map<String, byte[]> read(FsCore fs, Inode n) throws FsException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (n.xattrBlock == 0) {
            return out;
        }
        MemorySegment s = fs.seg;
        long at = validated(fs, n);
        int magic = s.get(Le.INT, at + XattrBlockFormat.OFF_MAGIC);
        int header = XattrBlockFormat.entryHeader(magic);
        int count = s.get(Le.INT, at + XattrBlockFormat.OFF_COUNT);
        long e = at + XattrBlockFormat.HEADER;
        for (int i = 0; i < count; i++) {
            int nameLength = XattrBlockFormat.nameLength(s, e);
            int valueLength = XattrBlockFormat.valueLength(s, e, magic);
            String name = new String(s.asSlice(e + header, nameLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            out.put(name, s.asSlice(e + header + nameLength, valueLength).toArray(ValueLayout.JAVA_BYTE));
            e = XattrBlockFormat.next(s, e, magic);
        }
        return out;
    }

    /**
     * The value of {@code name}, or null: only that value is copied out (an inode may hold 1 MiB
     * of attributes, and lookups of one name are the common case: ACLs at permission checks,
     * security.capability).
     */
    static byte[] get(FsCore fs, Inode n, String name) throws FsException {
        if (n.xattrBlock == 0) {
            return null;
        }
        MemorySegment s = fs.seg;
        long at = validated(fs, n);
        MemorySegment want = MemorySegment.ofArray(name.getBytes(StandardCharsets.UTF_8));
        int magic = s.get(Le.INT, at + XattrBlockFormat.OFF_MAGIC);
        int header = XattrBlockFormat.entryHeader(magic);
        int count = s.get(Le.INT, at + XattrBlockFormat.OFF_COUNT);
        long e = at + XattrBlockFormat.HEADER;
        for (int i = 0; i < count; i++) {
            int nameLength = XattrBlockFormat.nameLength(s, e);
            if (nameLength == want.byteSize() && MemorySegment.mismatch(s, e + header, e + header + nameLength, want, 0, nameLength) < 0) {
                return s.asSlice(e + header + nameLength, XattrBlockFormat.valueLength(s, e, magic)).toArray(ValueLayout.JAVA_BYTE);
            }
            e = XattrBlockFormat.next(s, e, magic);
        }
        return null;
    }

    /**
     * Replaces {@code n}'s attribute block by a new one holding {@code attrs} (none when empty)
     * and queues the old block's free on {@code after}. Changes only {@code n.xattrBlock}; the
     * caller commits the inode record, or on failure frees the new block and puts the old
     * reference back. ENOSPC when the attributes take more than one block of 256 pages holds
     * or no block can be had.
     */
    static void store(FsCore fs, Inode n, Map<String, byte[]> attrs, FsCore.AfterCommit after) throws FsException {
        long used = 0;
        for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
            used += XattrBlockFormat.entrySize(e.getKey().getBytes(StandardCharsets.UTF_8).length, e.getValue().length);
        }
        if (used > XattrBlockFormat.MAX_USED) {
            throw new FsException(Errno.ENOSPC, "extended attributes of inode " + n.ino + " would take " + used
                    + " bytes; at most " + XattrBlockFormat.MAX_USED + " fit in one xattr block (256 pages)");
        }
        long old = n.xattrBlock;
        long oldPages = n.xattrPages();
        if (attrs.isEmpty()) {
            n.xattrBlock = 0;
        } else {
            int order = XattrBlockFormat.orderFor(used);
            long page = allocate(fs, n, order, oldPages);
            MemorySegment s = fs.seg;
            long at = page << 12;
            long e = at + XattrBlockFormat.HEADER;
            for (Map.Entry<String, byte[]> a : attrs.entrySet()) {
                e = XattrBlockFormat.writeEntry(s, e, a.getKey().getBytes(StandardCharsets.UTF_8), a.getValue());
            }
            long written = (e - at + 4095) & ~4095L; // whole pages: the rest of the last one zeroed, later ones untouched
            s.asSlice(e, at + written - e).fill((byte) 0);
            XattrBlockFormat.writeHeader(s, at, attrs.size(), (int) used);
            fs.media.persist(at, written);
            n.xattrBlock = InodeFormat.packPhysical(page, order);
            n.xattrVerified = n.xattrBlock;
        }
        if (old != 0) {
            after.free(fs.meta, InodeFormat.physicalPage(old), InodeFormat.physicalOrder(old));
        }
    }

    /** A metadata block of {@code order} for {@code n}'s attributes, within the reserve rule of the class comment. */
    private static long allocate(FsCore fs, Inode n, int order, long oldPages) throws FsException {
        long pages = 1L << order;
        if (pages > Math.max(1, oldPages) && fs.pg.freePages() - pages < fs.metaReserve) {
            throw new FsException(Errno.ENOSPC, "no space for a " + pages + "-page xattr block of inode " + n.ino + " ("
                    + fs.pg.freePages() + " pages free, " + fs.metaReserve + " kept for metadata)");
        }
        try {
            return fs.allocate(fs.meta, order);
        } catch (OutOfSpaceException e) {
            throw new FsException(Errno.ENOSPC, "no free block of " + pages + " pages for the xattrs of inode " + n.ino
                    + ": " + e.getMessage());
        }
    }

    /**
     * Byte offset of {@code n}'s (non-zero) attribute block, checked with {@link XattrBlockFormat#problem}
     * unless this DRAM copy of the inode has checked or written it before ({@link Inode#xattrVerified}).
     */
    private static long validated(FsCore fs, Inode n) throws FsException {
        long at = n.xattrPage() << 12;
        if (n.xattrVerified != n.xattrBlock) {
            String bad = XattrBlockFormat.problem(fs.seg, at, n.xattrOrder());
            if (bad != null) {
                throw fs.corrupt(new CorruptFsException("inode " + n.ino + " xattr block " + n.xattrPage() + " order " + n.xattrOrder(), bad));
            }
            n.xattrVerified = n.xattrBlock;
        }
        return at;
    }
}
