package io.nvmfs.nvmpg;

/** A free, release or split named a block that is not allocated to that owner at that order. */
public final class InvalidBlockException extends NvmpgException {
    public InvalidBlockException(String message) {
        super(message);
    }
}
