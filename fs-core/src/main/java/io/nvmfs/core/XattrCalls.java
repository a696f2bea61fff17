package io.nvmfs.core;

import java.util.List;

/**
 * The extended-attribute calls of {@link NvmFs}: flags, sizes, ACLs, locking and the commit;
 * which names exist is {@link XattrNames}, storage is {@link Xattrs}.
 */
final class XattrCalls {
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;

    private final NvmFs nf;
    private final FsCore fs;

    XattrCalls(NvmFs nf, FsCore fs) {
        this.nf = nf;
        this.fs = fs;
    }


    /**
     * setxattr with XATTR_CREATE (EEXIST if present) / XATTR_REPLACE (ENODATA if absent) / 0.
     * A POSIX ACL is validated (EINVAL) and stored as the kernel would for a local filesystem:
     * an access ACL sets the permission bits (owner, mask or group, other) in the same commit,
     * is not stored when it says no more than those bits, and with {@code killSgid} (the caller
     * is neither in the file's group nor has CAP_FSETID) takes set-group-ID away.
     */
    void setxattr(long ino, String name, byte[] value, int flags, boolean killSgid) throws FsException {
        fs.checkWritable();
        if (value.length > XattrBlockFormat.MAX_VALUE) {
            throw new FsException(Errno.E2BIG, "xattr value of " + value.length + " bytes; at most "
                    + XattrBlockFormat.MAX_VALUE + " (XATTR_SIZE_MAX)");
        }
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            XattrNames.check(name, n, true);
            FileFlags.requireChangeable(n, "set an extended attribute");
            var attrs = Xattrs.read(fs, n);
            boolean present = attrs.containsKey(name);
            if ((flags & XATTR_CREATE) != 0 && present) {
                throw new FsException(Errno.EEXIST, "xattr '" + name + "' exists");
            }
            if ((flags & XATTR_REPLACE) != 0 && !present) {
                throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
            }
            int mode = n.mode;
            if (PosixAcl.isAclName(name)) {
                PosixAcl acl = PosixAcl.parse(value);
                if (name.equals(PosixAcl.ACCESS)) {
                    mode = (n.mode & ~0777) | acl.permissionBits();
                    if (killSgid) {
                        mode &= ~Mode.S_ISGID;
                    }
                    if (!acl.extended()) {
                        if (attrs.remove(name) == null && mode == n.mode) {
                            return;
                        }
                        changeXattrs(n, attrs, mode);
                        return;
                    }
                }
                value = acl.bytes();
            }
            attrs.put(name, value.clone());
            changeXattrs(n, attrs, mode);
        }
    }

    /**
     * chmod: the permission bits, and on a file with an access ACL its owner, mask (or group) and
     * other entries with them, in one commit (the kernel's posix_acl_chmod).
     */
    Stat chmod(long ino, int mode) throws FsException {
        fs.checkWritable();
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            FileFlags.requireChangeable(n, "chmod");
            int newMode = (n.mode & Mode.S_IFMT) | (mode & Mode.PERMS);
            byte[] access = Xattrs.get(fs, n, PosixAcl.ACCESS);
            if (access == null) {
                fs.commits.changeAttributes(n, m -> m.mode = newMode);
            } else {
                var attrs = Xattrs.read(fs, n);
                attrs.put(PosixAcl.ACCESS, PosixAcl.parse(access).chmod(newMode).bytes());
                changeXattrs(n, attrs, newMode);
            }
            return Stat.of(n);
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
            XattrNames.check(name, n, false);
            return Xattrs.get(fs, n, name);
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
            return new java.util.ArrayList<>(Xattrs.read(fs, fs.inode(ino)).keySet());
        }
    }

    /**
     * listxattr's NUL-separated names, ERANGE when longer than a non-zero {@code size}; the
     * {@code trusted.} names are listed only to a {@code privileged} caller (CAP_SYS_ADMIN: root).
     */
    byte[] listxattr(long ino, int size, boolean privileged) throws FsException {
        byte[] b;
        try (var held = nf.readLock(ino)) {
            b = XattrNames.listBytes(Xattrs.read(fs, fs.inode(ino)), privileged);
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
            XattrNames.check(name, n, true);
            FileFlags.requireChangeable(n, "remove an extended attribute");
            var attrs = Xattrs.read(fs, n);
            if (attrs.remove(name) == null) {
                throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
            }
            changeXattrs(n, attrs, n.mode);
        }
    }

    /** Stores {@code attrs} as {@code n}'s attributes and sets its {@code mode}, in one commit; on failure neither changes. */
    private void changeXattrs(Inode n, java.util.Map<String, byte[]> attrs, int mode) throws FsException {
        FsCore.AfterCommit after = new FsCore.AfterCommit();
        long old = n.xattrBlock;
        int oldMode = n.mode;
        Xattrs.store(fs, n, attrs, after);
        n.mode = mode;
        n.setTime(Inode.CTIME, fs.now());
        try {
            fs.commits.commit(n, after);
        } catch (FsException e) {
            if (n.xattrBlock != 0 && n.xattrBlock != old) { // the new block: written, never referenced
                fs.freeQuietly(fs.meta, n.xattrPage(), n.xattrOrder());
            }
            n.xattrBlock = old;
            n.mode = oldMode;
            throw e;
        }
    }

}
