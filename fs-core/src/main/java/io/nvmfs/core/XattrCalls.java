package io.nvmfs.core;

import java.util.List;

/** The extended-attribute calls of {@link NvmFs}: flags, namespaces, sizing; storage is {@link Xattrs}. */
final class XattrCalls {
    private final NvmFs nf;
    private final FsCore fs;

    XattrCalls(NvmFs nf, FsCore fs) {
        this.nf = nf;
        this.fs = fs;
    }


    /** setxattr with XATTR_CREATE (EEXIST if present) / XATTR_REPLACE (ENODATA if absent) / 0. */
    void setxattr(long ino, String name, byte[] value, int flags) throws FsException {
        fs.checkWritable();
        if (value.length > Xattrs.MAX_VALUE) {
            throw new FsException(Errno.E2BIG, "xattr value of " + value.length + " bytes");
        }
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            Xattrs.checkName(name, n, true);
            var attrs = Xattrs.read(fs, n);
            boolean present = attrs.containsKey(name);
            if ((flags & Xattrs.XATTR_CREATE) != 0 && present) {
                throw new FsException(Errno.EEXIST, "xattr '" + name + "' exists");
            }
            if ((flags & Xattrs.XATTR_REPLACE) != 0 && !present) {
                throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
            }
            attrs.put(name, value.clone());
            changeXattrs(n, attrs);
        }
    }

    /**
     * The value of {@code name}, or null when the inode has no such attribute. The kernel asks for
     * security.capability before every write to a FUSE file; an inode without attributes answers
     * with a lock, a cache hit and one field test.
     */
    byte[] getxattrOrNull(long ino, String name) throws FsException {
        try (var held = nf.readLock(ino)) {
            Inode n = fs.inode(ino);
            Xattrs.checkName(name, n, false);
            return n.xattrPage == 0 ? null : Xattrs.read(fs, n).get(name);
        }
    }

    /** The value of {@code name}; ENODATA when absent. */
    byte[] getxattr(long ino, String name) throws FsException {
        byte[] v = getxattrOrNull(ino, name);
        if (v == null) {
            throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
        }
        return v;
    }

    /**
     * getxattr with the caller's buffer size: {@code size} 0 asks for the length; a value longer
     * than {@code size} is ERANGE. Returns the value (its length is the answer).
     */
    byte[] getxattr(long ino, String name, int size) throws FsException {
        byte[] v = getxattr(ino, name);
        if (size != 0 && v.length > size) {
            throw new FsException(Errno.ERANGE, "xattr '" + name + "' is " + v.length + " bytes, buffer " + size);
        }
        return v;
    }

    List<String> listxattr(long ino) throws FsException {
        try (var held = nf.readLock(ino)) {
            return Xattrs.names(Xattrs.read(fs, fs.inode(ino)));
        }
    }

    /**
     * listxattr's NUL-separated names, ERANGE when longer than a non-zero {@code size}; the
     * {@code trusted.} names are listed only to a {@code privileged} caller (CAP_SYS_ADMIN: root).
     */
    byte[] listxattr(long ino, int size, boolean privileged) throws FsException {
        byte[] b;
        try (var held = nf.readLock(ino)) {
            b = Xattrs.listBytes(Xattrs.read(fs, fs.inode(ino)), privileged);
        }
        if (size != 0 && b.length > size) {
            throw new FsException(Errno.ERANGE, "xattr list is " + b.length + " bytes, buffer " + size);
        }
        return b;
    }

    void removexattr(long ino, String name) throws FsException {
        fs.checkWritable();
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            Xattrs.checkName(name, n, true);
            var attrs = Xattrs.read(fs, n);
            if (attrs.remove(name) == null) {
                throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
            }
            changeXattrs(n, attrs);
        }
    }

    private void changeXattrs(Inode n, java.util.Map<String, byte[]> attrs) throws FsException {
        FsCore.AfterCommit after = new FsCore.AfterCommit();
        long old = n.xattrPage;
        Xattrs.store(fs, n, attrs, after);
        n.setTime(Inode.CTIME, fs.now());
        try {
            fs.commits.commit(n, after);
        } catch (FsException e) {
            if (n.xattrPage != 0 && n.xattrPage != old) {
                fs.freeQuietly(fs.meta, n.xattrPage, 0);
            }
            n.xattrPage = old;
            throw e;
        }
    }

}
