package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The privilege checks on a mount with the default options (no writeback cache: every write(2) is a WRITE). */
class KillPrivilegesIT extends KillPrivilegesChecks {
    @Override
    String options() {
        return "allow_other";
    }

    @Test
    void aWriteReachesTheNamespaceBeforeItReturns() throws Exception {
        assertTrue(imageHoldsWhileOpen("write-through-7f3a9c"), "the default mount has no writeback cache");
    }
}
