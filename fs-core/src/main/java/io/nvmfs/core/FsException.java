package io.nvmfs.core;

/**
 * A failed filesystem operation: the errno a caller (FUSE) returns, and what happened.
 *
 * <p>Only EIO carries a stack trace. The other errnos are answers, not accidents (every create
 * starts with a lookup that ends in ENOENT), and filling in a stack trace through the FUSE
 * callback frames costs microseconds each time.
 */
public final class FsException extends Exception {
    private final Errno errno;

    public FsException(Errno errno, String message) {
        super(errno + ": " + message, null, false, errno == Errno.EIO);
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
