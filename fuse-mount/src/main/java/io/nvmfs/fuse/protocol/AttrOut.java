package io.nvmfs.fuse.protocol;

import io.nvmfs.core.Stat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_attr_out, the reply to GETATTR and SETATTR.
 *
 * <pre>
 *  off size field
 *    0   8  attr_valid       seconds the kernel may keep the attributes
 *    8   4  attr_valid_nsec
 *   12   4  dummy
 *   16  88  attr             {@link Attr}
 *  104
 * </pre>
 */
public final class AttrOut {
    public static final int SIZE = 16 + Attr.SIZE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private AttrOut() {}

    public static void write(MemorySegment m, long at, Stat st, double attrTimeout) {
        m.set(L, at, Attr.seconds(attrTimeout));
        m.set(I, at + 8, Attr.nanos(attrTimeout));
        m.set(I, at + 12, 0);
        Attr.write(m, at + 16, st);
    }
}
