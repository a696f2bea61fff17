package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The ring mechanics on the real kernel, with no-op entries (IORING_OP_NOP, opcode 0): what is
 * submitted completes once, with its user_data, across many wraps of both rings' indices.
 */
class IoUringTest {
    private static void nop(IoUring ring, long userData) {
        MemorySegment sqe = ring.nextSqe();
        sqe.set(ValueLayout.JAVA_LONG, 32, userData);
    }

    @Test
    void everySubmittedEntryCompletesOnceWithItsUserDataAcrossWraps() {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.create(4, 8, arena)) {
            long next = 1;
            long seen = 1;
            for (int round = 0; round < 3000; round++) {
                int batch = 1 + round % 4;
                for (int i = 0; i < batch; i++) {
                    nop(ring, next++);
                }
                assertEquals(0, ring.submitAndWait(batch));
                int n = ring.completions();
                assertEquals(batch, n, "round " + round);
                for (int i = 0; i < n; i++) {
                    assertEquals(seen++, ring.cqeUserData(i), "in order, once each");
                    assertEquals(0, ring.cqeResult(i));
                }
                ring.consumed(n);
                assertEquals(0, ring.completions());
            }
        }
    }

    @Test
    void moreEntriesInFlightThanTheRingHoldsIsRefusedNotOverwritten() {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.create(4, 8, arena)) {
            for (int i = 0; i < 4; i++) {
                nop(ring, i);
            }
            assertThrows(IllegalStateException.class, () -> nop(ring, 99));
            assertEquals(0, ring.submitAndWait(4));
            assertEquals(4, ring.completions());
        }
    }
}
