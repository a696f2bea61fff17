package io.nvmfs.core;

/**
 * Who makes a call: the ids a new inode is owned by, and the umask that limits its permission
 * bits when its directory has no default ACL (a default ACL takes the umask's place, as POSIX
 * says; so the umask is applied here, not by the kernel).
 */
public record Caller(int uid, int gid, int umask) {
    public static final Caller ROOT = new Caller(0, 0);

    /** A caller whose umask masks nothing. */
    public Caller(int uid, int gid) {
        this(uid, gid, 0);
    }
}
