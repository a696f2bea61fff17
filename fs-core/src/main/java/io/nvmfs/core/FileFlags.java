package io.nvmfs.core;

/**
 * Per-inode flags as chattr(1) sets them, stored in the inode record's {@code flags} field with
 * Linux's own {@code FS_*_FL} values, and the rules they impose. The kernel checks who may
 * change them (owner, and CAP_LINUX_IMMUTABLE for immutable and append-only), but enforces none
 * of them for a FUSE filesystem — its inodes never carry S_IMMUTABLE or S_APPEND — so every rule
 * here is nvmfs's to keep, with ext4's errno: EPERM.
 *
 * <ul>
 * <li>immutable: no data or attribute change, no new name or removal, no link; a directory
 *     gets no entry added or removed;
 * <li>append-only: data only added at the end (write opens need O_APPEND), no truncate,
 *     attribute change, removal, rename or link; a directory's entries can be added, not removed;
 * <li>noatime: reads never update its atime; nodump: stored for dump(8), nothing enforced.
 * </ul>
 */
final class FileFlags {
    static final int IMMUTABLE = 0x10;
    static final int APPEND = 0x20;
    static final int NODUMP = 0x40;
    static final int NOATIME = 0x80;
    static final int SUPPORTED = IMMUTABLE | APPEND | NODUMP | NOATIME;

    // struct fsxattr's fsx_xflags for the same four (FS_IOC_FSGETXATTR / FS_IOC_FSSETXATTR).
    static final int XFLAG_IMMUTABLE = 0x08;
    static final int XFLAG_APPEND = 0x10;
    static final int XFLAG_NOATIME = 0x40;
    static final int XFLAG_NODUMP = 0x80;

    private FileFlags() {}

    static int toXflags(int flags) {
        return ((flags & IMMUTABLE) != 0 ? XFLAG_IMMUTABLE : 0) | ((flags & APPEND) != 0 ? XFLAG_APPEND : 0)
                | ((flags & NOATIME) != 0 ? XFLAG_NOATIME : 0) | ((flags & NODUMP) != 0 ? XFLAG_NODUMP : 0);
    }

    /** EOPNOTSUPP unless {@code flags} holds only the four flags nvmfs keeps. */
    static void requireSupported(int flags) throws FsException {
        if ((flags & ~SUPPORTED) != 0) {
            throw new FsException(Errno.EOPNOTSUPP, "file flags 0x" + Integer.toHexString(flags & ~SUPPORTED)
                    + " are not supported (nvmfs keeps immutable, append-only, nodump, noatime)");
        }
    }

    /** The flags for {@code xflags}; EOPNOTSUPP if it holds a bit nvmfs does not keep. */
    static int fromXflags(int xflags) throws FsException {
        int known = XFLAG_IMMUTABLE | XFLAG_APPEND | XFLAG_NOATIME | XFLAG_NODUMP;
        if ((xflags & ~known) != 0) {
            throw new FsException(Errno.EOPNOTSUPP, "fsx_xflags 0x" + Integer.toHexString(xflags & ~known) + " are not supported");
        }
        return ((xflags & XFLAG_IMMUTABLE) != 0 ? IMMUTABLE : 0) | ((xflags & XFLAG_APPEND) != 0 ? APPEND : 0)
                | ((xflags & XFLAG_NOATIME) != 0 ? NOATIME : 0) | ((xflags & XFLAG_NODUMP) != 0 ? NODUMP : 0);
    }

    static boolean immutable(Inode n) {
        return (n.flags & IMMUTABLE) != 0;
    }

    static boolean appendOnly(Inode n) {
        return (n.flags & APPEND) != 0;
    }

    /** Size, mode, owner, explicit times, xattrs, its name or a new link of {@code n}: refused if immutable or append-only. */
    static void requireChangeable(Inode n, String what) throws FsException {
        if ((n.flags & (IMMUTABLE | APPEND)) != 0) {
            throw refused(n, what);
        }
    }

    /** Data of {@code n} at {@code offset} (writes, fallocate, copy into it). */
    static void requireDataWritable(Inode n, long offset, boolean appending, String what) throws FsException {
        if (immutable(n) || (appendOnly(n) && !appending && offset != n.size)) {
            throw refused(n, what);
        }
    }

    /** An open of {@code n} with these flags. */
    static void requireOpenable(Inode n, int openFlags) throws FsException {
        boolean writes = (openFlags & Handle.O_ACCMODE) != 0 || (openFlags & Handle.O_TRUNC) != 0;
        if (writes && (immutable(n) || (appendOnly(n)
                && ((openFlags & Handle.O_APPEND) == 0 || (openFlags & Handle.O_TRUNC) != 0)))) {
            throw refused(n, "open for writing" + (appendOnly(n) ? " without O_APPEND" : ""));
        }
    }

    /** A new entry in directory {@code dir}. */
    static void requireEntriesAddable(Inode dir) throws FsException {
        if (immutable(dir)) {
            throw refused(dir, "add an entry");
        }
    }

    /** Removing (or renaming away) an entry of directory {@code dir}. */
    static void requireEntriesRemovable(Inode dir) throws FsException {
        if ((dir.flags & (IMMUTABLE | APPEND)) != 0) {
            throw refused(dir, "remove an entry");
        }
    }

    private static FsException refused(Inode n, String what) {
        return new FsException(Errno.EPERM, "inode " + n.ino + " is " + (immutable(n) ? "immutable" : "append-only")
                + ": cannot " + what);
    }
}
