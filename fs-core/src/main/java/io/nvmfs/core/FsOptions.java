package io.nvmfs.core;

/**
 * Mount-time choices.
 *
 * @param readOnly          refuse every change (EROFS)
 * @param sync              persist every write before it returns (-o sync)
 * @param atime             atime policy
 * @param dirAtime          whether listing a directory updates its atime (by {@code atime}); false = nodiratime
 * @param cacheBytes        DRAM bound for decoded inodes and directory indexes not in use
 * @param commitMillis      interval of the background flush of written data; 0 = none
 * @param time              timestamp source
 */
public record FsOptions(boolean readOnly, boolean sync, Atime atime, boolean dirAtime, long cacheBytes, long commitMillis,
                        TimeSource time) {
    public enum Atime { RELATIME, NOATIME, STRICTATIME }

    public static FsOptions defaults() {
        return new FsOptions(false, false, Atime.RELATIME, true, 64L << 20, 5_000, TimeSource.SYSTEM);
    }

    public FsOptions withTime(TimeSource t) {
        return new FsOptions(readOnly, sync, atime, dirAtime, cacheBytes, commitMillis, t);
    }

    public FsOptions withCommitMillis(long ms) {
        return new FsOptions(readOnly, sync, atime, dirAtime, cacheBytes, ms, time);
    }

    public FsOptions withCacheBytes(long bytes) {
        return new FsOptions(readOnly, sync, atime, dirAtime, bytes, commitMillis, time);
    }

    public FsOptions withSync(boolean s) {
        return new FsOptions(readOnly, s, atime, dirAtime, cacheBytes, commitMillis, time);
    }

    public FsOptions withAtime(Atime a) {
        return new FsOptions(readOnly, sync, a, dirAtime, cacheBytes, commitMillis, time);
    }

    public FsOptions withDirAtime(boolean d) {
        return new FsOptions(readOnly, sync, atime, d, cacheBytes, commitMillis, time);
    }

    public FsOptions withReadOnly(boolean ro) {
        return new FsOptions(ro, sync, atime, dirAtime, cacheBytes, commitMillis, time);
    }
}
