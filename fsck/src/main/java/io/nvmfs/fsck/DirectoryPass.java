package io.nvmfs.fsck;

import io.nvmfs.core.DirentFormat;
import io.nvmfs.core.Le;
import io.nvmfs.nvmpg.Mix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;

/**
 * Pass 5 — directories.
 *
 * <p>Contract: on return (repairs accepted) every page of every directory is a chain of records
 * whose lengths are multiples of 8, at least 16, sum to 4096 and fit their names; every live
 * entry has a legal name (no '/', no NUL, not '.' or '..'), names an inode in use, carries that
 * inode's type, and no name appears twice in one directory. Every live entry is listed in
 * {@code entryDir}/{@code entryIno}/{@code entryAt}; the root's {@code lost+found} entry is noted.
 * fs-core keeps the directory index in DRAM only, rebuilt from these records, so there is no
 * on-media index to check against them.
 */
final class DirectoryPass {
    static final byte[] LOST_FOUND = "lost+found".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private DirectoryPass() {}

    static void run(CheckState st) {
        st.progress.start(5, "Pass 5: directories", st.dirPages.size());
        long done = 0;
        for (Map.Entry<Integer, long[]> e : new java.util.TreeMap<>(st.dirPages).entrySet()) {
            st.progress.tick(++done);
            checkDirectory(st, e.getKey(), e.getValue());
        }
        st.progress.end();
    }

    private static void checkDirectory(CheckState st, int dir, long[] pages) {
        MemorySegment s = st.seg;
        LongList hashes = new LongList();
        LongList offsets = new LongList();
        for (int p = 0; p < pages.length; p++) {
            long base = pages[p] << 12;
            int off = 0;
            int prev = -1;
            while (off < DirentFormat.PAGE) {
                long at = base + off;
                long ino = s.get(Le.LONG, at + DirentFormat.OFF_INO);
                int recLen = Short.toUnsignedInt(s.get(Le.SHORT, at + DirentFormat.OFF_REC_LEN));
                int nameLen = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN));
                String where = "directory " + dir + " page " + p + " offset " + off;
                if (recLen < DirentFormat.HEADER || (recLen & 7) != 0 || off + recLen > DirentFormat.PAGE
                        || (ino != 0 && (nameLen == 0 || DirentFormat.needed(nameLen) > recLen))) {
                    if (st.report.problem(Problem.DR01, where, "rec_len " + recLen + ", name_len " + nameLen)) {
                        if (prev >= 0) {
                            // The record before it is valid: it absorbs the rest of the page as slack
                            // (a tail shorter than a header could hold no record of its own).
                            st.writer.putShort(base + prev + DirentFormat.OFF_REC_LEN, (short) (DirentFormat.PAGE - prev));
                        } else {
                            st.writer.zero(at, DirentFormat.HEADER);
                            st.writer.putShort(at + DirentFormat.OFF_REC_LEN, (short) DirentFormat.PAGE);
                        }
                    }
                    break;
                }
                if (ino != 0) {
                    checkEntry(st, dir, at, ino, nameLen, where, hashes, offsets);
                }
                prev = off;
                off += recLen;
            }
        }
        findDuplicates(st, dir, hashes, offsets);
    }

    private static void checkEntry(CheckState st, int dir, long at, long ino, int nameLen, String where,
                                   LongList hashes, LongList offsets) {
        MemorySegment s = st.seg;
        long nameAt = at + DirentFormat.OFF_NAME;
        boolean illegal = false;
        for (int i = 0; i < nameLen; i++) {
            byte b = s.get(ValueLayout.JAVA_BYTE, nameAt + i);
            illegal |= b == '/' || b == 0;
        }
        if (illegal) {
            clearIf(st, Problem.DR02, where, "inode " + ino, at);
            return;
        }
        boolean dot = s.get(ValueLayout.JAVA_BYTE, nameAt) == '.'
                && (nameLen == 1 || (nameLen == 2 && s.get(ValueLayout.JAVA_BYTE, nameAt + 1) == '.'));
        if (dot) {
            clearIf(st, Problem.DR03, where, "inode " + ino, at);
            return;
        }
        if (!st.inodeInRange(ino)) {
            clearIf(st, Problem.DR04, where, "inode " + ino, at);
            return;
        }
        int target = (int) ino;
        if (st.type[target] == 0) {
            clearIf(st, Problem.DR05, where, "inode " + ino, at);
            return;
        }
        int dtype = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_TYPE));
        if (dtype != st.type[target] && st.report.problem(Problem.DR06, where, "type " + dtype + ", inode " + ino
                + " has type " + st.type[target])) {
            st.writer.putByte(at + DirentFormat.OFF_TYPE, st.type[target]);
        }
        hashes.add((hash(s, nameAt, nameLen) & ~0xffffffL) | offsets.size());
        offsets.add(at);
        st.entryDir.add(dir);
        st.entryIno.add(target);
        st.entryAt.add(at);
        if (dir == 1 && nameLen == LOST_FOUND.length
                && Arrays.equals(s.asSlice(nameAt, nameLen).toArray(ValueLayout.JAVA_BYTE), LOST_FOUND)) {
            st.lostFound = st.entryAt.size() - 1;
        }
    }

    private static void clearIf(CheckState st, Problem p, String where, String detail, long at) {
        if (st.report.problem(p, where, detail)) {
            st.writer.putLong(at + DirentFormat.OFF_INO, 0L);
        }
    }

    /** Sorting (name hash | entry index) brings equal names next to each other; equal hashes are compared byte for byte. */
    private static void findDuplicates(CheckState st, int dir, LongList hashes, LongList offsets) {
        hashes.sort();
        for (int i = 1; i < hashes.size(); i++) {
            long a = hashes.get(i - 1);
            for (int j = i; j < hashes.size() && (hashes.get(j) >>> 24) == (a >>> 24); j++) {
                long first = offsets.get((int) (a & 0xffffff));
                long other = offsets.get((int) (hashes.get(j) & 0xffffff));
                if (sameName(st.seg, first, other)) {
                    long later = Math.max(first, other);
                    if (st.seg.get(Le.LONG, later + DirentFormat.OFF_INO) != 0) {
                        String name = nameOf(st.seg, later);
                        if (st.report.problem(Problem.DR07, "directory " + dir, "'" + name + "'")) {
                            st.writer.putLong(later + DirentFormat.OFF_INO, 0L);
                            forgetEntry(st, later);
                        }
                    }
                }
            }
        }
    }

    private static void forgetEntry(CheckState st, long at) {
        for (int i = st.entryAt.size() - 1; i >= 0; i--) {
            if (st.entryAt.get(i) == at) {
                st.entryIno.set(i, 0);
                return;
            }
        }
    }

    private static boolean sameName(MemorySegment s, long a, long b) {
        int la = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, a + DirentFormat.OFF_NAME_LEN));
        int lb = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, b + DirentFormat.OFF_NAME_LEN));
        return la == lb && MemorySegment.mismatch(s, a + DirentFormat.OFF_NAME, a + DirentFormat.OFF_NAME + la,
                s, b + DirentFormat.OFF_NAME, b + DirentFormat.OFF_NAME + lb) < 0;
    }

    static String nameOf(MemorySegment s, long at) {
        int len = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN));
        byte[] b = s.asSlice(at + DirentFormat.OFF_NAME, len).toArray(ValueLayout.JAVA_BYTE);
        return RecordPass.printable(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long hash(MemorySegment s, long at, int len) {
        long h = len;
        for (int i = 0; i < len; i++) {
            h = h * 31 + s.get(ValueLayout.JAVA_BYTE, at + i);
        }
        return Mix.fmix64(h);
    }
}
