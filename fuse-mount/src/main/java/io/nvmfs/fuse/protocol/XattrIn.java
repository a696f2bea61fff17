package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The extended-attribute requests' bodies. GETXATTR and LISTXATTR: struct fuse_getxattr_in
 * (GETXATTR then the NUL-terminated name). SETXATTR: struct fuse_setxattr_in, 16 bytes with
 * FUSE_SETXATTR_EXT (which nvmfs takes when offered), 8 without, then the name and the value.
 * REMOVEXATTR: the name alone.
 *
 * <pre>
 *  GETXATTR/LISTXATTR              SETXATTR
 *  off size field                  off size field
 *    0   4  size   the caller's      0   4  size            bytes of the value
 *                  buffer; 0 asks    4   4  flags           XATTR_CREATE 1, XATTR_REPLACE 2
 *                  for the length    8   4  setxattr_flags  (EXT) ACL_KILL_SGID 1
 *    4   4  padding                 12   4  padding         (EXT)
 *    8      name (GETXATTR)       8/16      name, then value
 * </pre>
 */
public final class XattrIn {
    public static final int SIZE = 8;
    /** SETXATTR's body with FUSE_SETXATTR_EXT. */
    public static final int EXT_SIZE = 16;
    /** Setting an access ACL takes set-group-ID away (the caller is neither in the group nor has CAP_FSETID). */
    public static final int ACL_KILL_SGID = 1;
    private static final int AT = InHeader.SIZE;

    private XattrIn() {}

    public static int size(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT);
    }

    /** SETXATTR only. */
    public static int flags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 4);
    }

    /** SETXATTR with FUSE_SETXATTR_EXT only. */
    public static int setxattrFlags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 8);
    }
}
