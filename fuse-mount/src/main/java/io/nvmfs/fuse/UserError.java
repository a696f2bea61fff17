package io.nvmfs.fuse;

/** Something the user can fix: printed as one line, exit code 1, no stack trace. */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message);
    }
}
