package io.nvmfs.fuse.protocol;

import io.nvmfs.core.Stat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_entry_out, the reply to LOOKUP, MKNOD, MKDIR, SYMLINK, LINK (and the first half of
 * CREATE's and of each READDIRPLUS entry). Each one the kernel takes adds one to the inode's
 * lookup count, which FORGET gives back; nodeid 0 means "no entry, cache the absence".
 *
 * <pre>
 *  off size field
 *    0   8  nodeid            the inode number (nvmfs's node ids are its inode numbers)
 *    8   8  generation        nodeid:generation is unique for the filesystem's lifetime
 *   16   8  entry_valid       seconds the kernel may keep the name
 *   24   8  attr_valid        seconds it may keep the attributes
 *   32   4  entry_valid_nsec
 *   36   4  attr_valid_nsec
 *   40  88  attr              {@link Attr}
 *  128
 * </pre>
 */
public final class EntryOut {
    public static final int SIZE = 40 + Attr.SIZE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private EntryOut() {}

    public static void write(MemorySegment m, long at, Stat st, double entryTimeout, double attrTimeout) {
        m.set(L, at, st.ino());
        m.set(L, at + 8, Integer.toUnsignedLong(st.generation()));
        m.set(L, at + 16, Attr.seconds(entryTimeout));
        m.set(L, at + 24, Attr.seconds(attrTimeout));
        m.set(I, at + 32, Attr.nanos(entryTimeout));
        m.set(I, at + 36, Attr.nanos(attrTimeout));
        Attr.write(m, at + 40, st);
    }

    /** An entry the kernel is not to link (nodeid 0: READDIRPLUS's "." and ".."), zeroed. */
    public static void none(MemorySegment m, long at) {
        m.asSlice(at, SIZE).fill((byte) 0);
    }
}
