package io.nvmfs.fuse.protocol;

import io.nvmfs.core.Stat;
import java.lang.foreign.MemorySegment;

/**
 * struct fuse_direntplus, one entry of a READDIRPLUS reply: the entry a LOOKUP of the name would
 * answer, then the {@link Dirent}. The kernel links every entry of a reply whose nodeid is not 0
 * (except "." and "..", which it skips), each adding one to the inode's lookup count, including
 * entries past what the caller's buffer takes.
 *
 * <pre>
 *  off size field
 *    0  128  entry_out   {@link EntryOut}; nodeid 0: the kernel links nothing for this entry
 *  128       dirent      {@link Dirent}, padded to 8 bytes
 * </pre>
 */
public final class DirentPlus {
    private DirentPlus() {}

    public static long recordLength(int nameLength) {
        return EntryOut.SIZE + Dirent.recordLength(nameLength);
    }

    /**
     * Writes one record at {@code at} if it fits in {@code room} bytes, its entry from {@code st}
     * (null: nodeid 0, no entry); returns its length either way.
     */
    public static long put(MemorySegment buf, long at, long room, Stat st, long ino, long nextCookie, int type, byte[] name,
            double entryTimeout, double attrTimeout) {
        long len = recordLength(name.length);
        if (len > room) {
            return len;
        }
        if (st == null) {
            EntryOut.none(buf, at);
        } else {
            EntryOut.write(buf, at, st, entryTimeout, attrTimeout);
        }
        Dirent.put(buf, at + EntryOut.SIZE, room - EntryOut.SIZE, ino, nextCookie, type, name);
        return len;
    }
}
