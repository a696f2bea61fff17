package io.nvmfs.core;

/**
 * One readdir result: the name, its inode and d_type, and the cookie to pass back to continue
 * after it. Cookies stay valid while the directory changes: entries never move.
 */
public record DirEntry(String name, long ino, int type, long nextCookie) {
}
