package io.nvmfs.images;

import io.nvmfs.core.DirentFormat;
import io.nvmfs.core.FsException;
import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.InodeTable;
import io.nvmfs.core.Le;
import io.nvmfs.core.NvmFs;
import io.nvmfs.nvmpg.LinkWord;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.OwnerTableFormat;
import io.nvmfs.nvmpg.RecordPageFormat;
import io.nvmfs.nvmpg.RecordWord;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds structures in an image and damages them on purpose: the corruptions of the catalogue.
 * Locating goes through the format classes' constants, so a corruption hits what it names.
 */
final class Poke {
    final Media media;
    final MemorySegment s;

    Poke(Media media) {
        this.media = media;
        this.s = media.segment();
    }

    int slot(String label) {
        for (int i = 0; i < OwnerTableFormat.SLOTS; i++) {
            if (OwnerTableFormat.state(media, i) != 0 && OwnerTableFormat.label(media, i).equals(label)) {
                return i;
            }
        }
        throw new IllegalStateException("no owner " + label);
    }

    long sb() {
        return s.get(Le.LONG, OwnerTableFormat.rootOffset(slot("fs-meta"))) << 12;
    }

    long headPage(int slot) {
        return LinkWord.target(s.get(Le.LONG, OwnerTableFormat.headOffset(slot)));
    }

    /** The record pages of {@code slot}'s chain, head first (the image is trusted: no checks). */
    java.util.List<Long> chain(int slot) {
        java.util.List<Long> pages = new java.util.ArrayList<>();
        for (long rp = headPage(slot); rp != 0; rp = LinkWord.target(s.get(Le.LONG, RecordPageFormat.nextOffset(rp)))) {
            pages.add(rp);
        }
        return pages;
    }

    /** Byte offset of the record slot holding the record of block {@code page} under {@code slot}. */
    long recordAt(int slot, long page) {
        for (long rp : chain(slot)) {
            for (int i = 0; i < RecordPageFormat.SLOTS; i++) {
                long at = RecordPageFormat.slotOffset(rp, i);
                long w = s.get(Le.LONG, at);
                if (w != 0 && RecordWord.page(w) == page) {
                    return at;
                }
            }
        }
        throw new IllegalStateException("no record of page " + page);
    }

    long emptyRecordSlot(int slot) {
        for (int i = 0; i < RecordPageFormat.SLOTS; i++) {
            long at = RecordPageFormat.slotOffset(headPage(slot), i);
            if (s.get(Le.LONG, at) == 0) {
                return at;
            }
        }
        throw new IllegalStateException("head record page full");
    }

    long inode(long ino) {
        long sb = sb();
        int k = InodeTable.chunkOf(ino);
        long chunk = s.get(Le.LONG, FsSuperblockFormat.chunkSlot(sb, k));
        return (chunk << 12) + (ino - InodeTable.chunkStart(k)) * InodeFormat.SIZE;
    }

    /** Changes the inode record of {@code path} (given its byte offset), then makes its CRC match again. */
    void editInode(String path, java.util.function.LongConsumer change) {
        long ino = ino(path);
        change.accept(inode(ino));
        fixInodeCrc(ino);
    }

    void fixInodeCrc(long ino) {
        long off = inode(ino);
        s.set(Le.INT, off + InodeFormat.OFF_CRC, Le.crc32c(s, off, InodeFormat.OFF_CRC));
    }

    /** The first inline extent's physical page (a file with inline extents). */
    long firstExtentPage(long ino) {
        return InodeFormat.physicalPage(s.get(Le.LONG, inode(ino) + InodeFormat.OFF_INLINE + 8));
    }

    /** Byte offset of the directory entry {@code name} in directory {@code dir} (inline extents only). */
    long entry(long dir, String name) {
        long off = inode(dir);
        int n = s.get(Le.INT, off + InodeFormat.OFF_EXTENTS);
        byte[] want = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int e = 0; e < n; e++) {
            long packed = s.get(Le.LONG, off + InodeFormat.OFF_INLINE + 16L * e + 8);
            long first = InodeFormat.physicalPage(packed);
            for (long p = first; p < first + (1L << InodeFormat.physicalOrder(packed)); p++) {
                int o = 0;
                while (o < 4096) {
                    long at = (p << 12) + o;
                    int len = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN));
                    if (s.get(Le.LONG, at) != 0 && len == want.length && java.util.Arrays.equals(
                            s.asSlice(at + DirentFormat.OFF_NAME, len).toArray(ValueLayout.JAVA_BYTE), want)) {
                        return at;
                    }
                    o += Short.toUnsignedInt(s.get(Le.SHORT, at + DirentFormat.OFF_REC_LEN));
                }
            }
        }
        throw new IllegalStateException("no entry " + name + " in directory " + dir);
    }

    /** Inode number of {@code path}, looked up through a read-only attach of the image. */
    long ino(String path) {
        try {
            NvmFs fs = NvmFs.attach(media, Images.options().withReadOnly(true));
            return fs.resolve(path);
        } catch (FsException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        }
    }
}
