package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_setattr_in, the body of SETATTR: which attributes to set and their values.
 *
 * <pre>
 *  off size field
 *    0   4  valid       FATTR_* bits below: what to set
 *    4   4  padding
 *    8   8  fh          with FATTR_FH: the handle of an ftruncate/futimens
 *   16   8  size
 *   24   8  lock_owner
 *   32   8  atime       seconds
 *   40   8  mtime
 *   48   8  ctime
 *   56   4  atimensec
 *   60   4  mtimensec
 *   64   4  ctimensec
 *   68   4  mode
 *   72   4  unused4
 *   76   4  uid
 *   80   4  gid
 *   84   4  unused5
 *   88
 * </pre>
 */
public final class SetattrIn {
    public static final int SIZE = 88;
    public static final int MODE = 1;
    public static final int UID = 1 << 1;
    public static final int GID = 1 << 2;
    public static final int SIZE_BIT = 1 << 3;
    public static final int ATIME = 1 << 4;
    public static final int MTIME = 1 << 5;
    public static final int FH = 1 << 6;
    public static final int ATIME_NOW = 1 << 7;
    public static final int MTIME_NOW = 1 << 8;
    public static final int LOCKOWNER = 1 << 9;
    public static final int CTIME = 1 << 10;
    /** HANDLE_KILLPRIV_V2: the caller lacks CAP_FSETID; take set-user-ID/set-group-ID away (truncate, chown). */
    public static final int KILL_SUIDGID = 1 << 11;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final int AT = InHeader.SIZE;

    private SetattrIn() {}

    public static int valid(MemorySegment req) {
        return req.get(I, AT);
    }

    public static long fh(MemorySegment req) {
        return req.get(L, AT + 8);
    }

    public static long size(MemorySegment req) {
        return req.get(L, AT + 16);
    }

    public static long atime(MemorySegment req) {
        return req.get(L, AT + 32);
    }

    public static long mtime(MemorySegment req) {
        return req.get(L, AT + 40);
    }

    public static int atimensec(MemorySegment req) {
        return req.get(I, AT + 56);
    }

    public static int mtimensec(MemorySegment req) {
        return req.get(I, AT + 60);
    }

    public static int mode(MemorySegment req) {
        return req.get(I, AT + 68);
    }

    public static int uid(MemorySegment req) {
        return req.get(I, AT + 76);
    }

    public static int gid(MemorySegment req) {
        return req.get(I, AT + 80);
    }
}
