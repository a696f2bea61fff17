package io.nvmfs.core;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Which attribute names exist and on what (the namespaces, the ACL names), and listxattr's bytes. */
final class XattrNames {
    private XattrNames() {}

    /**
     * Refuses a name no attribute of {@code n} can have: ERANGE for a length outside 1..255,
     * EOPNOTSUPP for a namespace nvmfs does not keep, and (when {@code writing}) EPERM for
     * {@code user.} on what is neither a regular file nor a directory, EACCES for a default ACL
     * on a non-directory.
     */
    static void check(String name, Inode n, boolean writing) throws FsException {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > XattrBlockFormat.MAX_NAME) {
            throw new FsException(Errno.ERANGE, "xattr name of " + b.length + " bytes (1..255)");
        }
        if (name.startsWith("user.")) {
            if (writing && !Mode.isReg(n.mode) && !n.isDir()) {
                throw new FsException(Errno.EPERM, "user.* attributes only on regular files and directories");
            }
        } else if (PosixAcl.isAclName(name)) {
            if (writing && name.equals(PosixAcl.DEFAULT) && !n.isDir()) {
                throw new FsException(Errno.EACCES, "a default ACL is for directories only");
            }
        } else if (!name.startsWith("trusted.") && !name.startsWith("security.")) {
            throw new FsException(Errno.EOPNOTSUPP, "xattr namespace of '" + name + "' is not supported");
        }
        if (name.indexOf('.') == name.length() - 1) {
            throw new FsException(Errno.EINVAL, "xattr name '" + name + "' has no name after its namespace");
        }
    }

    /** listxattr's bytes, each name followed by a NUL; {@code trusted.} names only for a privileged caller (as ext4, XFS, tmpfs). */
    static byte[] listBytes(Map<String, byte[]> attrs, boolean privileged) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String name : attrs.keySet()) {
            if (!privileged && name.startsWith("trusted.")) {
                continue;
            }
            out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }
}
