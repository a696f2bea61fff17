package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_getxattr_out, the reply to GETXATTR and LISTXATTR asked with size 0: the length a
 * buffer needs. (Asked with a size, the reply is the bytes themselves.)
 *
 * <pre>
 *  off size field
 *    0   4  size
 *    4   4  padding
 *    8
 * </pre>
 */
public final class GetxattrOut {
    public static final int SIZE = 8;

    private GetxattrOut() {}

    public static void write(MemorySegment m, long at, int size) {
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at, size);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4, 0);
    }
}
