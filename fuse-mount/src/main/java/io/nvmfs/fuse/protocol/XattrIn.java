package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The extended-attribute requests' bodies. GETXATTR and LISTXATTR: struct fuse_getxattr_in
 * (GETXATTR then the NUL-terminated name). SETXATTR: struct fuse_setxattr_in in its 8-byte form
 * (nvmfs does not take FUSE_SETXATTR_EXT), then the name and the value. REMOVEXATTR: the name alone.
 *
 * <pre>
 *  GETXATTR/LISTXATTR              SETXATTR
 *  off size field                  off size field
 *    0   4  size   the caller's      0   4  size    bytes of the value
 *                  buffer; 0 asks    4   4  flags   XATTR_CREATE 1, XATTR_REPLACE 2
 *                  for the length    8      name, then value
 *    4   4  padding
 *    8      name (GETXATTR)
 * </pre>
 */
public final class XattrIn {
    public static final int SIZE = 8;
    private static final int AT = InHeader.SIZE;

    private XattrIn() {}

    public static int size(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT);
    }

    /** SETXATTR only. */
    public static int flags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 4);
    }
}
