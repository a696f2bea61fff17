package io.nvmfs.core;

/** Timestamp helpers: the UTIME_NOW marker and the atime policies. */
public final class Times {
    /** Pass as a time to {@link NvmFs#utimens} for UTIME_NOW (compared by identity). */
    public static final long[] NOW = new long[] {-1, -1};
    private static final long DAY = 24 * 3600;

    private Times() {}

    /**
     * relatime: update when atime is not after mtime or ctime, or is a day old (as Linux does).
     * Called on every read: the clock is consulted only when the inode's own times do not decide.
     */
    static boolean atimeDue(FsOptions.Atime policy, Inode n, TimeSource clock) {
        if ((n.flags & FileFlags.NOATIME) != 0) {
            return false;
        }
        return switch (policy) {
            case NOATIME -> false;
            case STRICTATIME -> true;
            case RELATIME -> !after(n, Inode.ATIME, Inode.MTIME) || !after(n, Inode.ATIME, Inode.CTIME)
                    || clock.seconds() - n.sec[Inode.ATIME] >= DAY;
        };
    }

    private static boolean after(Inode n, int a, int b) {
        return n.sec[a] > n.sec[b] || (n.sec[a] == n.sec[b] && n.nsec[a] > n.nsec[b]);
    }
}
