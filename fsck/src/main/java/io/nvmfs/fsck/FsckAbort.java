package io.nvmfs.fsck;

/** A namespace fsck cannot check at all (exit 8): the message names why. */
final class FsckAbort extends RuntimeException {
    FsckAbort(String message) {
        super(message, null, false, false);
    }
}
