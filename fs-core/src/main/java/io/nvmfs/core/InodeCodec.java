package io.nvmfs.core;

import java.lang.foreign.MemorySegment;

/** Inode records and extent pages to and from bytes ({@link InodeFormat}, {@link ExtentPageFormat}). */
final class InodeCodec {
    private InodeCodec() {}

    /** The 256-byte record of {@code n} (extents inline when they fit, else the chain head). */
    static byte[] encode(Inode n) {
        byte[] b = new byte[InodeFormat.SIZE];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(Le.INT, InodeFormat.OFF_MODE, n.mode);
        s.set(Le.INT, InodeFormat.OFF_NLINK, n.nlink);
        s.set(Le.INT, InodeFormat.OFF_UID, n.uid);
        s.set(Le.INT, InodeFormat.OFF_GID, n.gid);
        s.set(Le.LONG, InodeFormat.OFF_SIZE, n.size);
        s.set(Le.LONG, InodeFormat.OFF_PAGES, n.pages());
        for (int t = 0; t < 4; t++) {
            s.set(Le.LONG, InodeFormat.OFF_SEC + 8L * t, n.sec[t]);
            s.set(Le.INT, InodeFormat.OFF_NSEC + 4L * t, n.nsec[t]);
        }
        s.set(Le.LONG, InodeFormat.OFF_RDEV, n.rdev);
        s.set(Le.INT, InodeFormat.OFF_GENERATION, n.generation);
        s.set(Le.INT, InodeFormat.OFF_FLAGS, n.flags);
        s.set(Le.LONG, InodeFormat.OFF_PARENT, n.parent);
        s.set(Le.LONG, InodeFormat.OFF_EXTENT_PAGE, n.extentChain.length() == 0 ? 0 : n.extentChain.page(0));
        s.set(Le.INT, InodeFormat.OFF_EXTENTS, n.extents.count());
        s.set(Le.LONG, InodeFormat.OFF_XATTR_BLOCK, n.xattrBlock);
        s.set(Le.LONG, InodeFormat.OFF_KEEP_END, n.keepEnd);
        if (n.extentChain.length() == 0) {
            for (int i = 0; i < n.extents.count(); i++) {
                s.set(Le.LONG, InodeFormat.OFF_INLINE + 16L * i, n.extents.logical(i));
                s.set(Le.LONG, InodeFormat.OFF_INLINE + 16L * i + 8,
                        InodeFormat.packPhysical(n.extents.physical(i), n.extents.order(i)));
            }
        }
        s.set(Le.INT, InodeFormat.OFF_CRC, Le.crc32c(b, 0, InodeFormat.OFF_CRC));
        return b;
    }

    /** Decodes and validates the record of {@code ino} at {@code off}; reads its extent chain. */
    static Inode decode(MemorySegment media, long off, long ino, long namespacePages) throws CorruptFsException {
        String where = "inode " + ino;
        if (!InodeFormat.crcMatches(media, off)) {
            throw new CorruptFsException(where, "record checksum mismatch");
        }
        Inode n = new Inode(ino);
        n.mode = media.get(Le.INT, off + InodeFormat.OFF_MODE);
        if (!Mode.validType(n.mode)) {
            throw new CorruptFsException(where, "invalid mode 0" + Integer.toOctalString(n.mode));
        }
        n.nlink = media.get(Le.INT, off + InodeFormat.OFF_NLINK);
        n.uid = media.get(Le.INT, off + InodeFormat.OFF_UID);
        n.gid = media.get(Le.INT, off + InodeFormat.OFF_GID);
        n.size = media.get(Le.LONG, off + InodeFormat.OFF_SIZE);
        for (int t = 0; t < 4; t++) {
            n.sec[t] = media.get(Le.LONG, off + InodeFormat.OFF_SEC + 8L * t);
            n.nsec[t] = media.get(Le.INT, off + InodeFormat.OFF_NSEC + 4L * t);
        }
        n.rdev = media.get(Le.LONG, off + InodeFormat.OFF_RDEV);
        n.generation = media.get(Le.INT, off + InodeFormat.OFF_GENERATION);
        n.flags = media.get(Le.INT, off + InodeFormat.OFF_FLAGS) & FileFlags.SUPPORTED;
        n.parent = media.get(Le.LONG, off + InodeFormat.OFF_PARENT);
        n.xattrBlock = media.get(Le.LONG, off + InodeFormat.OFF_XATTR_BLOCK);
        n.keepEnd = Math.max(0, media.get(Le.LONG, off + InodeFormat.OFF_KEEP_END));
        long chain = media.get(Le.LONG, off + InodeFormat.OFF_EXTENT_PAGE);
        int count = media.get(Le.INT, off + InodeFormat.OFF_EXTENTS);
        if (n.size < 0 || count < 0 || (chain == 0 && count > InodeFormat.INLINE_EXTENTS)) {
            throw new CorruptFsException(where, "size " + n.size + " / extent count " + count + " invalid");
        }
        checkXattrBlock(where, n.xattrBlock, namespacePages);
        if (chain == 0) {
            for (int i = 0; i < count; i++) {
                addExtent(n, where, media.get(Le.LONG, off + InodeFormat.OFF_INLINE + 16L * i),
                        media.get(Le.LONG, off + InodeFormat.OFF_INLINE + 16L * i + 8), namespacePages);
            }
        } else {
            readChain(media, n, chain, count, namespacePages);
        }
        n.extents.markWritten();
        return n;
    }

    /**
     * Reads the chain from {@code page}. Pages may hold fewer than 254 extents anywhere in the
     * chain (a chain changed in place keeps its pages partly full); each holds at least one, so a
     * chain has at most as many pages as the inode has extents, which also bounds a cycle.
     */
    private static void readChain(MemorySegment media, Inode n, long page, int count, long namespacePages)
            throws CorruptFsException {
        long[] pages = new long[Math.min(count, 16)];
        int[] counts = new int[pages.length];
        long[] firstKeys = new long[pages.length];
        int seen = 0;
        int p = 0;
        while (page != 0 && seen < count) {
            String where = "inode " + n.ino + " extent page " + p;
            checkPage(where, page, namespacePages, false);
            long at = page << 12;
            int c = media.get(Le.INT, at + ExtentPageFormat.OFF_COUNT);
            if (media.get(Le.INT, at + ExtentPageFormat.OFF_MAGIC) != ExtentPageFormat.MAGIC
                    || media.get(Le.LONG, at + ExtentPageFormat.OFF_OWNER) != n.ino
                    || c < 1 || c > ExtentPageFormat.PER_PAGE || seen + c > count) {
                throw new CorruptFsException(where, "bad extent page header at page " + page);
            }
            if (media.get(Le.INT, at + ExtentPageFormat.OFF_CRC) != extentPageCrc(media, at, c)) {
                throw new CorruptFsException(where, "extent page checksum mismatch");
            }
            for (int i = 0; i < c; i++) {
                long e = at + ExtentPageFormat.OFF_EXTENTS + 16L * i;
                addExtent(n, where, media.get(Le.LONG, e), media.get(Le.LONG, e + 8), namespacePages);
            }
            if (p == pages.length) {
                pages = java.util.Arrays.copyOf(pages, p * 2);
                counts = java.util.Arrays.copyOf(counts, p * 2);
                firstKeys = java.util.Arrays.copyOf(firstKeys, p * 2);
            }
            pages[p] = page;
            counts[p] = c;
            firstKeys[p] = media.get(Le.LONG, at + ExtentPageFormat.OFF_EXTENTS);
            p++;
            seen += c;
            page = media.get(Le.LONG, at + ExtentPageFormat.OFF_NEXT);
        }
        if (seen != count || page != 0) {
            throw new CorruptFsException("inode " + n.ino, "extent chain holds " + seen + " extents, inode says " + count);
        }
        n.extentChain = new ExtentChain(java.util.Arrays.copyOf(pages, p), java.util.Arrays.copyOf(counts, p),
                java.util.Arrays.copyOf(firstKeys, p));
    }

    private static void addExtent(Inode n, String where, long logical, long packed, long namespacePages)
            throws CorruptFsException {
        long phys = InodeFormat.physicalPage(packed);
        int order = InodeFormat.physicalOrder(packed);
        if ((packed >>> 46) != 0 || order > 30 || logical < 0 || (logical & ((1L << order) - 1)) != 0
                || (phys & ((1L << order) - 1)) != 0 || phys == 0 || phys + (1L << order) > namespacePages) {
            throw new CorruptFsException(where, "invalid extent: logical " + logical + " physical " + phys + " order " + order);
        }
        int c = n.extents.count();
        if (c > 0 && logical < n.extents.end(c - 1)) {
            throw new CorruptFsException(where, "extents out of order or overlapping at logical page " + logical);
        }
        n.extents.insert(logical, phys, order);
    }

    private static void checkXattrBlock(String where, long ref, long namespacePages) throws CorruptFsException {
        if (ref == 0) {
            return;
        }
        String bad = XattrBlockFormat.referenceProblem(ref);
        if (bad == null && InodeFormat.physicalPage(ref) + (1L << InodeFormat.physicalOrder(ref)) > namespacePages) {
            bad = "block " + InodeFormat.physicalPage(ref) + " order " + InodeFormat.physicalOrder(ref) + " outside the namespace";
        }
        if (bad != null) {
            throw new CorruptFsException(where + " xattr block", bad);
        }
    }

    private static void checkPage(String where, long page, long namespacePages, boolean zeroOk) throws CorruptFsException {
        if ((page == 0 && !zeroOk) || page < 0 || page >= namespacePages) {
            throw new CorruptFsException(where, "page " + page + " outside the namespace");
        }
    }

    /** Writes the extents of {@code n} from index {@code from} into extent page {@code page}. Does not persist. */
    static void writeExtentPage(MemorySegment media, long page, Inode n, int from, int count, long next) {
        long at = page << 12;
        media.asSlice(at, 4096).fill((byte) 0);
        encodeExtentPage(media, at, n, from, count, next);
    }

    /** Bytes of an extent page holding {@code count} extents: all that its CRC and a reader look at. */
    static int extentPageBytes(int count) {
        return ExtentPageFormat.OFF_EXTENTS + 16 * count;
    }

    /**
     * Encodes an extent page at {@code at} of {@code dst} (the media, or a buffer a journaled write
     * takes): header, the {@code count} extents of {@code n} from index {@code from}, CRC.
     * Writes {@link #extentPageBytes} bytes and nothing past them.
     */
    static void encodeExtentPage(MemorySegment dst, long at, Inode n, int from, int count, long next) {
        dst.set(Le.INT, at + ExtentPageFormat.OFF_MAGIC, ExtentPageFormat.MAGIC);
        dst.set(Le.INT, at + ExtentPageFormat.OFF_COUNT, count);
        dst.set(Le.LONG, at + ExtentPageFormat.OFF_NEXT, next);
        dst.set(Le.LONG, at + ExtentPageFormat.OFF_OWNER, n.ino);
        dst.set(Le.INT, at + ExtentPageFormat.OFF_CRC + 4, 0);
        for (int i = 0; i < count; i++) {
            long e = at + ExtentPageFormat.OFF_EXTENTS + 16L * i;
            dst.set(Le.LONG, e, n.extents.logical(from + i));
            dst.set(Le.LONG, e + 8, InodeFormat.packPhysical(n.extents.physical(from + i), n.extents.order(from + i)));
        }
        dst.set(Le.INT, at + ExtentPageFormat.OFF_CRC, extentPageCrc(dst, at, count));
    }

    private static int extentPageCrc(MemorySegment media, long at, int count) {
        return ExtentPageFormat.crc(media, at, count);
    }

}
