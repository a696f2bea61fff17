package io.nvmfs.core;

/**
 * Mount-time choices.
 *
 * @param readOnly          refuse every change (EROFS)
 * @param sync              persist every write before it returns (-o sync)
 * @param atime             atime policy
 * @param cacheBytes        DRAM bound for decoded inodes and directory indexes not in use
 * @param commitMillis      interval of the background flush of written data; 0 = none
 * @param time              timestamp source
 */
public record FsOptions(boolean readOnly, boolean sync, Atime atime, long cacheBytes, long commitMillis, TimeSource time) {
    public enum Atime { RELATIME, NOATIME, STRICTATIME }

    public static FsOptions defaults() {
        return new FsOptions(false, false, Atime.RELATIME, 64L << 20, 5_000, TimeSource.SYSTEM);
    }

    public FsOptions withTime(TimeSource t) {
        return new FsOptions(readOnly, sync, atime, cacheBytes, commitMillis, t);
    }

    public FsOptions withCommitMillis(long ms) {
        return new FsOptions(readOnly, sync, atime, cacheBytes, ms, time);
    }

    public FsOptions withCacheBytes(long bytes) {
        return new FsOptions(readOnly, sync, atime, bytes, commitMillis, time);
    }

    public FsOptions withSync(boolean s) {
        return new FsOptions(readOnly, s, atime, cacheBytes, commitMillis, time);
    }

    public FsOptions withAtime(Atime a) {
        return new FsOptions(readOnly, sync, a, cacheBytes, commitMillis, time);
    }

    public FsOptions withReadOnly(boolean ro) {
        return new FsOptions(ro, sync, atime, cacheBytes, commitMillis, time);
    }
}
