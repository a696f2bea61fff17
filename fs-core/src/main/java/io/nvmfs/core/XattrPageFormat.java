package io.nvmfs.core;

import java.lang.foreign.MemorySegment;

/**
 * The extended-attribute page, version 1 (one page per inode, metadata owner, replaced
 * copy-on-write like extent pages).
 *
 * <pre>
 * off  size  field
 *   0     4  magic   "XATR"
 *   4     4  count   entries
 *   8     4  used    bytes of entries
 *  12     4  crc32c  CRC32C of bytes 0..11 and of the used entry bytes
 *  16   ...  entries [name_len u8][0 u8][value_len u16][name][value], each padded to 4
 * </pre>
 */
public final class XattrPageFormat {
    public static final int MAGIC = 0x52544158; // "XATR"
    public static final int HEADER = 16;

    private XattrPageFormat() {}

    public static int crc(MemorySegment s, long at, int used) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(s.asSlice(at, 12).asByteBuffer());
        c.update(s.asSlice(at + HEADER, used).asByteBuffer());
        return (int) c.getValue();
    }
}
