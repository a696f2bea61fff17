package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.fuse.protocol.InHeader;
import io.nvmfs.fuse.protocol.OutHeader;
import io.nvmfs.fuse.protocol.RingHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ring entry as the kernel sees it: through the two buffers its iovecs name. The kernel writes
 * a request's in_header and first argument to the header buffer and the rest to the payload;
 * the dispatcher must see it laid out as from /dev/fuse, and the reply must land as the kernel
 * reads it (out header in in_out, the body at the payload's start, payload_sz its length).
 */
class RingEntryTest {
    private static final int PAYLOAD = 64 << 10;

    private final List<RingEntry> committed = new ArrayList<>();
    private final List<Integer> notes = new ArrayList<>();

    private static MemorySegment iovec(RingEntry e, int i) {
        MemorySegment v = e.iovecs();
        return MemorySegment.ofAddress(v.get(ValueLayout.JAVA_LONG, 16L * i)).reinterpret(v.get(ValueLayout.JAVA_LONG, 16L * i + 8));
    }

    /** What the kernel writes for a request: in_header, an opcode struct of {@code op.length} bytes, payload. */
    private static void kernelWrites(RingEntry e, int opcode, long unique, byte[] op, byte[] payload) {
        MemorySegment h = iovec(e, 0);
        MemorySegment p = iovec(e, 1);
        h.fill((byte) 0x5a);
        h.set(ValueLayout.JAVA_INT, 0, InHeader.SIZE + op.length + payload.length);
        h.set(ValueLayout.JAVA_INT, 4, opcode);
        h.set(ValueLayout.JAVA_LONG, 8, unique);
        h.set(ValueLayout.JAVA_LONG, 16, 77); // nodeid
        MemorySegment.copy(op, 0, h, ValueLayout.JAVA_BYTE, RingHeader.OP_IN, op.length);
        h.set(ValueLayout.JAVA_LONG, 264, unique); // commit_id
        RingHeader.payloadSize(h, payload.length);
        MemorySegment.copy(payload, 0, p, ValueLayout.JAVA_BYTE, 0, payload.length);
    }

    private RingEntry entry(Arena arena) {
        ReplyChannel devFuse = new ReplyChannel() {
            @Override
            public int send(MemorySegment buf, int length) {
                throw new AssertionError("replies never go to /dev/fuse from a ring entry");
            }

            @Override
            public int notify(MemorySegment note, int length) {
                notes.add(length);
                return 0;
            }
        };
        return new RingEntry(3, PAYLOAD, committed::add, devFuse, arena);
    }

    @Test
    void theRequestIsLaidOutAsFromDevFuseForEverySizeOfTheOpcodesStruct() {
        try (Arena arena = Arena.ofConfined()) {
            RingEntry e = entry(arena);
            for (int opSize : new int[] {0, 8, 16, 24, 40, 64, 80, 104, 128}) {
                byte[] op = new byte[opSize];
                for (int i = 0; i < opSize; i++) {
                    op[i] = (byte) (i + 1);
                }
                byte[] payload = ("name-" + opSize + "\0").getBytes();
                kernelWrites(e, 1, 1000 + opSize, op, payload);
                assertTrue(e.received(), "op struct of " + opSize);
                Request rq = e.request;
                assertEquals(InHeader.SIZE + opSize + payload.length, rq.length());
                assertEquals(1, rq.opcode());
                assertEquals(1000 + opSize, rq.unique());
                assertEquals(77, rq.nodeid());
                assertArrayEquals(op, rq.bytes(InHeader.SIZE, InHeader.SIZE + opSize), "the opcode's struct follows the header");
                assertEquals("name-" + opSize, rq.text(InHeader.SIZE + opSize), "and the payload follows it");
                assertEquals(iovec(e, 1).address(), rq.buf.address() + InHeader.SIZE + opSize, "in place: the payload is not copied");
                assertFalse(e.committed());
            }
        }
    }

    @Test
    void theReplysHeaderGoesToInOutAndItsBodyStaysInThePayload() {
        try (Arena arena = Arena.ofConfined()) {
            RingEntry e = entry(arena);
            kernelWrites(e, 15, 4242, new byte[24], new byte[0]); // a READ: fuse_read_in, no payload
            assertTrue(e.received());
            Reply rp = e.reply;
            rp.start(e.request.unique());
            for (int i = 0; i < 5000; i++) {
                rp.buf.set(ValueLayout.JAVA_BYTE, Reply.BODY + i, (byte) i);
            }
            assertTrue(rp.send(5000));
            assertEquals(List.of(e), committed, "the commit is staged once");
            MemorySegment h = iovec(e, 0);
            assertEquals(OutHeader.SIZE + 5000, OutHeader.len(h.asSlice(RingHeader.IN_OUT)));
            assertEquals(0, OutHeader.error(h.asSlice(RingHeader.IN_OUT)));
            assertEquals(4242, OutHeader.unique(h.asSlice(RingHeader.IN_OUT)));
            assertEquals(5000, RingHeader.payloadSize(h));
            assertEquals(4242, e.commitId());
            MemorySegment p = iovec(e, 1);
            for (int i = 0; i < 5000; i++) {
                assertEquals((byte) i, p.get(ValueLayout.JAVA_BYTE, i));
            }
            assertFalse(rp.error(5), "answered once");
            assertEquals(1, committed.size());
            assertEquals(0, rp.notify(arena.allocate(40), 40));
            assertEquals(List.of(40), notes, "notifications go to /dev/fuse");

            kernelWrites(e, 1, 4243, new byte[0], new byte[] {'x', 0});
            assertTrue(e.received());
            rp.start(e.request.unique());
            assertTrue(rp.error(2));
            assertEquals(2, committed.size(), "the next request is committed again");
            assertEquals(-2, OutHeader.error(h.asSlice(RingHeader.IN_OUT)));
            assertEquals(0, RingHeader.payloadSize(h), "an error has no body");
        }
    }

    @Test
    void sizesThatDoNotAddUpAreNotDispatched() {
        try (Arena arena = Arena.ofConfined()) {
            RingEntry e = entry(arena);
            kernelWrites(e, 16, 9, new byte[8], new byte[0]);
            iovec(e, 0).set(ValueLayout.JAVA_INT, 0, InHeader.SIZE + 200); // an opcode struct op_in cannot hold
            assertFalse(e.received());
            kernelWrites(e, 16, 10, new byte[8], new byte[0]);
            RingHeader.payloadSize(iovec(e, 0), PAYLOAD + 1);
            assertFalse(e.received(), "more payload than the buffer");
            e.reply.error(5);
            assertEquals(10, OutHeader.unique(iovec(e, 0).asSlice(RingHeader.IN_OUT)), "still answered, by its unique");
        }
    }
}
