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

    /**
     * Validates a name given by a caller, as bytes (what Linux names are; no encoding is assumed or
     * applied): ENAMETOOLONG over 255 bytes, EINVAL for empty, '/', NUL, "." or "..".
     */
    static Name checked(byte[] b) throws FsException {
        if (b.length > DirentFormat.MAX_NAME) {
            throw new FsException(Errno.ENAMETOOLONG, "name of " + b.length + " bytes (at most 255)");
        }
        if (b.length == 0 || isDot(b) || isDotDot(b) || indexOf(b, (byte) '/') >= 0 || indexOf(b, (byte) 0) >= 0) {
            throw new FsException(Errno.EINVAL, "invalid name '" + new String(b, StandardCharsets.UTF_8) + "'");
        }
        return new Name(b);
    }

    static boolean isDot(byte[] b) {
        return b.length == 1 && b[0] == '.';
    }

    static boolean isDotDot(byte[] b) {
        return b.length == 2 && b[0] == '.' && b[1] == '.';
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
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
