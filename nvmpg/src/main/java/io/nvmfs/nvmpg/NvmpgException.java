package io.nvmfs.nvmpg;

/**
 * Base of every failure nvmpg reports on purpose. Each subclass names one kind of problem so
 * callers can map it to an errno or an exit code; the message names the thing and, where
 * there is one, the fix.
 */
public class NvmpgException extends Exception {
    public NvmpgException(String message) {
        super(message);
    }

    public NvmpgException(String message, Throwable cause) {
        super(message, cause);
    }
}
