package io.nvmfs.fuse;

/** The privilege checks on a mount with the default options (no writeback cache: every write(2) is a WRITE). */
class KillPrivilegesIT extends KillPrivilegesChecks {
    @Override
    String options() {
        return "allow_other";
    }
}
