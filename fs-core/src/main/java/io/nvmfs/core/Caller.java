package io.nvmfs.core;

/** Who asks: the uid and gid new files get (FUSE's request context), and their umask is already applied. */
public record Caller(int uid, int gid) {
    public static final Caller ROOT = new Caller(0, 0);
}
