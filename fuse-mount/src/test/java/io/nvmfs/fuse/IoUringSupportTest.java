package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What -o io_uring checks before it asks the kernel: the module parameter, and the queues the kernel waits for. */
class IoUringSupportTest {
    @TempDir
    Path dir;

    @Test
    void theQueuesAreOnePerPossibleCpuNumber() {
        assertEquals(2, IoUringSupport.possibleCpus("0-1\n"));
        assertEquals(1, IoUringSupport.possibleCpus("0"));
        assertEquals(6, IoUringSupport.possibleCpus("0,2-5"), "a hole still counts: the kernel indexes queues by CPU number");
        assertTrue(IoUringSupport.possibleCpus() >= 1);
    }

    @Test
    void theModuleParameterDecides() throws Exception {
        Path p = dir.resolve("enable_uring");
        Files.writeString(p, "Y\n");
        assertNull(IoUringSupport.problem(p));
        Files.writeString(p, "N\n");
        assertEquals(p + " is N (root can write Y to it)", IoUringSupport.problem(p));
        Files.delete(p);
        assertEquals("this kernel's FUSE has no io_uring support (no " + p + ")", IoUringSupport.problem(p));
    }
}
