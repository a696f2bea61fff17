package io.nvmfs.fsck;

import io.nvmfs.core.DirentFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.Le;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * The two edits fsck makes beyond clearing fields: adding an entry to a directory (for
 * lost+found), and rewriting an inode record with a field changed. Entries are added as fs-core
 * adds them: into an unused record or the slack after a live one, or into a new page appended to
 * the directory; the new record is persisted before the record that makes it reachable.
 */
final class DirectoryEditor {
    private final CheckState st;
    private final SpaceAllocator alloc;

    DirectoryEditor(CheckState st, SpaceAllocator alloc) {
        this.st = st;
        this.alloc = alloc;
    }

    /** Rewrites inode {@code ino} (already valid) with {@code change} applied. */
    void updateInode(int ino, Consumer<InodeImage> change) {
        InodeImage img = new InodeImage();
        img.load(st.seg, ino, st.inodeOffset(ino));
        img.readValidExtents(st.seg);
        change.accept(img);
        img.write(st.writer, st.seg);
    }

    /** Adds {@code name -> ino}; false when no page could be found for it (namespace full). */
    boolean insert(int dir, byte[] name, int ino, int dtype) {
        int need = DirentFormat.needed(name.length);
        MemorySegment s = st.seg;
        long[] pages = st.dirPages.getOrDefault(dir, new long[0]);
        for (long page : pages) {
            long base = page << 12;
            int off = 0;
            while (off < DirentFormat.PAGE) {
                long at = base + off;
                int recLen = Short.toUnsignedInt(s.get(Le.SHORT, at + DirentFormat.OFF_REC_LEN));
                long used = s.get(Le.LONG, at + DirentFormat.OFF_INO);
                if (used == 0 && recLen >= need) {
                    writeEntry(at, recLen, name, ino, dtype);
                    return true;
                }
                if (used != 0) {
                    int own = DirentFormat.needed(Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN)));
                    if (recLen - own >= need) {
                        writeEntry(at + own, recLen - own, name, ino, dtype);
                        st.writer.putShort(at + DirentFormat.OFF_REC_LEN, (short) own);
                        return true;
                    }
                }
                off += recLen;
            }
        }
        long page = alloc.allocate(0, true, dir);
        if (page < 0) {
            return false;
        }
        st.writer.zero(page << 12, 4096);
        writeEntry(page << 12, DirentFormat.PAGE, name, ino, dtype);
        long logical = pages.length;
        updateInode(dir, img -> {
            img.logical.add(logical);
            img.packed.add(InodeFormat.packPhysical(page, 0));
            while (img.chain.size() < img.chainPagesNeeded()) {
                long extentPage = alloc.allocate(0, true, dir);
                if (extentPage < 0) {
                    throw new FsckAbort("namespace full: no page for an extent page of directory " + dir);
                }
                img.chain.add(extentPage);
            }
            img.size(img.size() + 4096);
            img.pages(img.dataPages() + img.chainPagesNeeded() + img.xattrPages());
        });
        long[] grown = java.util.Arrays.copyOf(pages, pages.length + 1);
        grown[pages.length] = page;
        st.dirPages.put(dir, grown);
        return true;
    }

    private void writeEntry(long at, int recLen, byte[] name, int ino, int dtype) {
        byte[] rec = new byte[DirentFormat.needed(name.length)];
        MemorySegment r = MemorySegment.ofArray(rec);
        r.set(Le.LONG, DirentFormat.OFF_INO, ino);
        r.set(Le.SHORT, DirentFormat.OFF_REC_LEN, (short) recLen);
        r.set(ValueLayout.JAVA_BYTE, DirentFormat.OFF_NAME_LEN, (byte) name.length);
        r.set(ValueLayout.JAVA_BYTE, DirentFormat.OFF_TYPE, (byte) dtype);
        System.arraycopy(name, 0, rec, DirentFormat.OFF_NAME, name.length);
        st.writer.write(at, rec);
    }
}
