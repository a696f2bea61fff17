package io.nvmfs.nvmpg;

/** The namespace file or device could not be created, opened, sized or mapped. */
public final class NamespaceOpenException extends NvmpgException {
    public NamespaceOpenException(String message) {
        super(message);
    }

    public NamespaceOpenException(String message, Throwable cause) {
        super(message, cause);
    }
}
