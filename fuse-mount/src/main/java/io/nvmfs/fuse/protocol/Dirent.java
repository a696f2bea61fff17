package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_dirent, one entry of a READDIR reply (and the second half of a {@link DirentPlus}):
 *
 * <pre>
 * struct fuse_dirent            off  size
 *   ino      u64                  0     8   inode number
 *   off      u64                  8     8   the cookie that continues the listing after this entry
 *   namelen  u32                 16     4
 *   type     u32                 20     4   DT_* (mode >> 12)
 *   name     namelen bytes       24         no NUL; the record is padded with zeros to 8 bytes
 * </pre>
 *
 * A reply is as many whole records as fit in the size READDIR asked for; the kernel continues
 * the listing from the last record's off.
 */
public final class Dirent {
    private static final long NAME = 24;

    private Dirent() {}

    /** The bytes the record for a name of {@code nameLength} bytes takes, padding included. */
    public static long recordLength(int nameLength) {
        return (NAME + nameLength + 7) & ~7L;
    }

    /**
     * Writes one record at {@code at} if it fits in {@code room} bytes; returns its length either
     * way (so a caller knows the reply is full when the length is more than the room).
     */
    public static long put(MemorySegment buf, long at, long room, long ino, long nextCookie, int type, byte[] name) {
        long len = recordLength(name.length);
        if (len > room) {
            return len;
        }
        buf.set(ValueLayout.JAVA_LONG_UNALIGNED, at, ino);
        buf.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, nextCookie);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, at + 16, name.length);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, at + 20, type);
        MemorySegment.copy(name, 0, buf, ValueLayout.JAVA_BYTE, at + NAME, name.length);
        buf.asSlice(at + NAME + name.length, len - NAME - name.length).fill((byte) 0);
        return len;
    }
}
