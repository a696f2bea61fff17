package io.nvmfs.nvmpg;

/** Neither superblock copy carries the nvmpg magic: the namespace was never formatted (or was wiped). */
public final class NotFormattedException extends NvmpgException {
    public NotFormattedException(String message) {
        super(message);
    }
}
