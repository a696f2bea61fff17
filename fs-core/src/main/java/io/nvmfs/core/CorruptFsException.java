package io.nvmfs.core;

/** Filesystem metadata failed validation: where, and what is wrong. Run fsck. */
public final class CorruptFsException extends Exception {
    public CorruptFsException(String where, String what) {
        super(where + ": " + what);
    }
}
