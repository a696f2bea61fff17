package io.nvmfs.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What nvmfs wrote before xattr blocks (FORMAT.md, "Versions"), written here from the format's
 * description so that tests can make such an image: a superblock whose features are 0, and a
 * version 1 xattr page ("XATR", value_len u16, one page).
 */
final class OlderImages {
    private OlderImages() {}

    /** Sets the features of the superblock at byte offset {@code sb} to 0, with its CRC, as mkfs of older code left them. */
    static void clearFeatures(MemorySegment s, long sb) {
        s.set(Le.INT, sb + FsSuperblockFormat.OFF_FEATURES, 0);
        s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(s, sb, FsSuperblockFormat.OFF_CRC));
    }

    /** Writes {@code attrs} (values below 65536 bytes, at most one page of them) as a version 1 page at {@code page}. */
    static void writeVersion1Page(MemorySegment s, long page, Map<String, byte[]> attrs) {
        long at = page << 12;
        s.asSlice(at, 4096).fill((byte) 0);
        long e = at + XattrBlockFormat.HEADER;
        for (Map.Entry<String, byte[]> a : attrs.entrySet()) {
            byte[] name = a.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = a.getValue();
            s.set(ValueLayout.JAVA_BYTE, e, (byte) name.length);
            s.set(Le.SHORT, e + 2, (short) value.length);
            MemorySegment.copy(name, 0, s, ValueLayout.JAVA_BYTE, e + 4, name.length);
            MemorySegment.copy(value, 0, s, ValueLayout.JAVA_BYTE, e + 4 + name.length, value.length);
            e += (4 + name.length + value.length + 3) & ~3;
        }
        int used = (int) (e - at - XattrBlockFormat.HEADER);
        if (used > 4096 - XattrBlockFormat.HEADER) {
            throw new IllegalArgumentException(used + " bytes of entries do not fit a version 1 page");
        }
        s.set(Le.INT, at + XattrBlockFormat.OFF_MAGIC, XattrBlockFormat.MAGIC_V1);
        s.set(Le.INT, at + XattrBlockFormat.OFF_COUNT, attrs.size());
        s.set(Le.INT, at + XattrBlockFormat.OFF_USED, used);
        s.set(Le.INT, at + XattrBlockFormat.OFF_CRC, XattrBlockFormat.crc(s, at, used));
    }

    /**
     * Turns a filesystem detached cleanly into one older code could have made: features 0, and the
     * (order-0) xattr block of each of {@code inos} rewritten in place as a version 1 page.
     */
    static void toVersion1(TestFs t, long... inos) throws Exception {
        NvmFs fs = NvmFs.attach(t.media, t.options().withReadOnly(true));
        Map<Long, Map<String, byte[]>> attrs = new java.util.HashMap<>();
        Map<Long, Long> pages = new java.util.HashMap<>();
        for (long ino : inos) {
            Inode n = fs.fs.table.read(ino);
            if (n.xattrOrder() != 0) {
                throw new IllegalArgumentException("inode " + ino + " has a block of order " + n.xattrOrder());
            }
            attrs.put(ino, Xattrs.read(fs.fs, n));
            pages.put(ino, n.xattrPage());
        }
        long sb = fs.fs.superblock;
        fs.close();
        for (long ino : inos) {
            writeVersion1Page(t.media.segment(), pages.get(ino), attrs.get(ino));
        }
        clearFeatures(t.media.segment(), sb);
    }
}
