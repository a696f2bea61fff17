package io.nvmfs.nvmpg;

/** Every owner slot is in use. */
public final class OwnerTableFullException extends NvmpgException {
    public OwnerTableFullException(int slots) {
        super("owner table full: all " + slots + " owner slots are in use");
    }
}
