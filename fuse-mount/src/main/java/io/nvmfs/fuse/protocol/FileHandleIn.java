package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bodies that start with a handle and a flags word: struct fuse_release_in (RELEASE,
 * RELEASEDIR), fuse_flush_in (FLUSH), fuse_fsync_in (FSYNC, FSYNCDIR) and fuse_getattr_in
 * (GETATTR, where the handle is meaningful only with FUSE_GETATTR_FH and comes second).
 *
 * <pre>
 *  RELEASE/FLUSH/FSYNC             GETATTR
 *  off size field                  off size field
 *    0   8  fh                       0   4  getattr_flags
 *    8   4  flags (FSYNC: 1 =        4   4  dummy
 *             fdatasync)             8   8  fh
 *   12   4  release_flags / pad     16
 *   16   8  lock_owner (not FSYNC)
 *   24
 * </pre>
 */
public final class FileHandleIn {
    public static final int FSYNC_FDATASYNC = 1;
    private static final int AT = InHeader.SIZE;

    private FileHandleIn() {}

    public static long fh(MemorySegment req) {
        return req.get(ValueLayout.JAVA_LONG_UNALIGNED, AT);
    }

    public static int flags(MemorySegment req) {
        return req.get(ValueLayout.JAVA_INT_UNALIGNED, AT + 8);
    }
}
