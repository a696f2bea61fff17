package io.nvmfs.nvmpg;

/**
 * An on-media structure failed validation. {@link #where()} locates it (a byte offset and
 * slot) and {@link #what()} says what is wrong, so the message reads like
 * {@code record page 0x1a000 slot 17: block 0x400 order 3 overlaps block 0x404 order 0 of owner 'fs-data'}.
 */
public final class CorruptNamespaceException extends NvmpgException {
    private final String where;
    private final String what;

    public CorruptNamespaceException(String where, String what) {
        super(where + ": " + what);
        this.where = where;
        this.what = what;
    }

    public String where() {
        return where;
    }

    public String what() {
        return what;
    }
}
