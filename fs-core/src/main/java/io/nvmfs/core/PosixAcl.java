package io.nvmfs.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A POSIX ACL as Linux passes it in the {@code system.posix_acl_access} and
 * {@code system.posix_acl_default} extended attributes, and the rules that tie it to the mode
 * bits (what the kernel's fs/posix_acl.c applies for a local filesystem). nvmfs stores the value
 * verbatim, in the inode's xattr page; the kernel enforces it (FUSE's default_permissions).
 *
 * <pre>
 * off  size  field
 *   0     4  a_version   2
 *   4   8×n  entries     e_tag u16 (USER_OBJ 0x01, USER 0x02, GROUP_OBJ 0x04, GROUP 0x08,
 *                        MASK 0x10, OTHER 0x20), e_perm u16 (rwx: 4 2 1), e_id u32 (uid or gid
 *                        for USER and GROUP, else 0xffffffff); little-endian
 * </pre>
 *
 * Valid: exactly one USER_OBJ, GROUP_OBJ and OTHER; at most one MASK, required when there is a
 * named USER or GROUP; no id twice in one tag; entries sorted by tag then id (as the kernel
 * writes them; setfacl sends them so). An access ACL of the three base entries alone says no
 * more than the mode does ({@link #extended} false): it is then not stored.
 */
final class PosixAcl {
    static final String ACCESS = "system.posix_acl_access";
    static final String DEFAULT = "system.posix_acl_default";
    static final int VERSION = 2;
    static final int USER_OBJ = 0x01;
    static final int USER = 0x02;
    static final int GROUP_OBJ = 0x04;
    static final int GROUP = 0x08;
    static final int MASK = 0x10;
    static final int OTHER = 0x20;
    private static final int HEADER = 4;
    private static final int ENTRY = 8;

    private final short[] tag;
    private final short[] perm;
    private final int[] id;

    private PosixAcl(short[] tag, short[] perm, int[] id) {
        this.tag = tag;
        this.perm = perm;
        this.id = id;
    }

    static boolean isAclName(String name) {
        return ACCESS.equals(name) || DEFAULT.equals(name);
    }

    /** Parses and validates {@code value}; EINVAL for anything that is not a valid ACL. */
    static PosixAcl parse(byte[] value) throws FsException {
        if (value.length < HEADER || (value.length - HEADER) % ENTRY != 0) {
            throw invalid("length " + value.length);
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != VERSION) {
            throw invalid("version " + b.getInt(0));
        }
        int n = (value.length - HEADER) / ENTRY;
        short[] tag = new short[n];
        short[] perm = new short[n];
        int[] id = new int[n];
        int seen = 0;
        boolean named = false;
        for (int i = 0; i < n; i++) {
            int at = HEADER + ENTRY * i;
            tag[i] = b.getShort(at);
            perm[i] = b.getShort(at + 2);
            id[i] = b.getInt(at + 4);
            int t = tag[i];
            if ((perm[i] & ~7) != 0) {
                throw invalid("permissions " + perm[i]);
            }
            if (i > 0 && (t < tag[i - 1] || t == tag[i - 1] && (t != USER && t != GROUP
                    || Integer.compareUnsigned(id[i], id[i - 1]) <= 0))) {
                throw invalid("entries out of order or repeated");
            }
            switch (t) {
                case USER_OBJ, GROUP_OBJ, MASK, OTHER -> seen |= t;
                case USER, GROUP -> named = true;
                default -> throw invalid("tag " + t);
            }
        }
        if ((seen & (USER_OBJ | GROUP_OBJ | OTHER)) != (USER_OBJ | GROUP_OBJ | OTHER) || named && (seen & MASK) == 0) {
            throw invalid("missing owner, group, other or mask entry");
        }
        return new PosixAcl(tag, perm, id);
    }

    private static FsException invalid(String why) {
        return new FsException(Errno.EINVAL, "not a valid POSIX ACL: " + why);
    }

    byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + ENTRY * tag.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(VERSION);
        for (int i = 0; i < tag.length; i++) {
            b.putShort(tag[i]).putShort(perm[i]).putInt(id[i]);
        }
        return b.array();
    }

    /** Whether this ACL says more than the permission bits can (named entries or a mask). */
    boolean extended() {
        for (short t : tag) {
            if (t == USER || t == GROUP || t == MASK) {
                return true;
            }
        }
        return false;
    }

    private int find(int t) {
        for (int i = 0; i < tag.length; i++) {
            if (tag[i] == t) {
                return i;
            }
        }
        return -1;
    }

    /** The rwxrwxrwx bits this access ACL gives the mode: owner, then the mask (or the owning group), then other. */
    int permissionBits() {
        int group = find(MASK) >= 0 ? find(MASK) : find(GROUP_OBJ);
        return perm[find(USER_OBJ)] << 6 | perm[group] << 3 | perm[find(OTHER)];
    }

    /** chmod on a file with this access ACL: the owner, mask (or group) and other entries follow {@code mode} (posix_acl_chmod). */
    PosixAcl chmod(int mode) {
        short[] p = perm.clone();
        int group = find(MASK) >= 0 ? find(MASK) : find(GROUP_OBJ);
        p[find(USER_OBJ)] = (short) (mode >> 6 & 7);
        p[group] = (short) (mode >> 3 & 7);
        p[find(OTHER)] = (short) (mode & 7);
        return new PosixAcl(tag, p, id);
    }

    /** A new inode's access ACL and mode under a directory with this default ACL (posix_acl_create). */
    record Inherited(int mode, PosixAcl access) {
    }

    /**
     * What a new inode created with {@code mode} (permission bits, no umask: a default ACL takes
     * the umask's place) gets from this default ACL: the ACL with each of owner, other and mask
     * (or group) limited by the mode, and the mode limited by them; the access ACL is null when
     * it says no more than the mode.
     */
    Inherited create(int mode) {
        short[] p = perm.clone();
        int m = mode;
        int u = find(USER_OBJ);
        p[u] &= (short) (m >> 6 & 7);
        m &= p[u] << 6 | ~0700;
        int o = find(OTHER);
        p[o] &= (short) (m & 7);
        m &= p[o] | ~07;
        int g = find(MASK) >= 0 ? find(MASK) : find(GROUP_OBJ);
        p[g] &= (short) (m >> 3 & 7);
        m &= p[g] << 3 | ~070;
        PosixAcl access = new PosixAcl(tag, p, id);
        return new Inherited(m, access.extended() ? access : null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PosixAcl a && Arrays.equals(tag, a.tag) && Arrays.equals(perm, a.perm) && Arrays.equals(id, a.id);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(perm) * 31 + Arrays.hashCode(id);
    }
}
