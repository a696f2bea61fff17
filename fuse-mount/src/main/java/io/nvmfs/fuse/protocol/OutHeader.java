package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_out_header, the start of every reply and notification.
 *
 * <pre>
 *  off size field
 *    0   4  len     bytes of the whole reply, header included
 *    4   4  error   0, or a negative errno (then the reply is the header alone);
 *                   for a notification: the notify code ({@link NotifyInvalInode})
 *    8   8  unique  the request's id; 0 for a notification
 *   16      the body
 * </pre>
 */
public final class OutHeader {
    public static final int SIZE = 16;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private OutHeader() {}

    public static void write(MemorySegment m, int len, int error, long unique) {
        m.set(I, 0, len);
        m.set(I, 4, error);
        m.set(L, 8, unique);
    }

    public static int len(MemorySegment m) {
        return m.get(I, 0);
    }

    public static int error(MemorySegment m) {
        return m.get(I, 4);
    }

    public static long unique(MemorySegment m) {
        return m.get(L, 8);
    }
}
