package io.nvmfs.core;

/** A failed filesystem operation: the errno a caller (FUSE) returns, and what happened. */
public final class FsException extends Exception {
    private final Errno errno;

    public FsException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public FsException(Errno errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
