package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_link_in, the body of LINK, followed by the new name (in the header's nodeid).
 *
 * <pre>
 *  off size field
 *    0   8  oldnodeid   the inode that gets the new name
 *    8      name
 * </pre>
 */
public final class LinkIn {
    public static final int SIZE = 8;

    private LinkIn() {}

    public static long oldnodeid(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, InHeader.SIZE);
    }
}
