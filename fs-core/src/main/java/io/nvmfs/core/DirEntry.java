package io.nvmfs.core;

import java.nio.charset.StandardCharsets;

/**
 * One readdir result: the name (bytes, as stored), its inode and d_type, and the cookie to pass
 * back to continue after it. Cookies stay valid while the directory changes: entries never move.
 */
public record DirEntry(byte[] nameBytes, long ino, int type, long nextCookie) {
    static final byte[] DOT = {'.'};
    static final byte[] DOT_DOT = {'.', '.'};

    /** The name decoded as UTF-8 (for display and Java callers; bytes that are not UTF-8 show as U+FFFD). */
    public String name() {
        return new String(nameBytes, StandardCharsets.UTF_8);
    }
}
