package io.nvmfs.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A directory entry name as bytes (what is stored), with its hash cached for the directory index. */
final class Name {
    final byte[] bytes;
    private final int hash;

    private Name(byte[] bytes) {
        this.bytes = bytes;
        this.hash = NameIndex.hash(bytes);
    }

    static Name of(byte[] bytes) {
        return new Name(bytes);
    }

    /** Validates a name given by a caller: ENAMETOOLONG over 255 bytes, EINVAL for empty, '/', NUL, "." or "..". */
    static Name checked(String name) throws FsException {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > DirentFormat.MAX_NAME) {
            throw new FsException(Errno.ENAMETOOLONG, "name of " + b.length + " bytes (at most 255)");
        }
        if (b.length == 0 || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "invalid name '" + name + "'");
        }
        return new Name(b);
    }

    /** The hash {@link NameIndex} files this name under (computed once). */
    int indexHash() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Name n && n.hash == hash && Arrays.equals(n.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
