package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * A serving thread survives an exception escaping fuse_session_process (as jnr's
 * "callable is null" did when a GC had freed a callback) and answers that request EIO on the raw
 * channel, except requests the kernel expects no answer to.
 */
class SessionLoopTest {
    private static final int ENODEV = 19;
    private static final int FUSE_LOOKUP = 1;
    private static final int FUSE_FORGET = 2;
    private static final int FUSE_GETATTR = 3;
    private static final int CHANNEL_FD = 7;

    private record Reply(int fd, int len, int error, long unique) {
    }

    @Test
    void anExceptionOutsideTheCallbacksIsAnsweredRawAndTheThreadKeepsServing() throws Exception {
        Arena arena = Arena.ofAuto();
        Queue<MemorySegment> requests = new ArrayDeque<>(List.of(request(arena, FUSE_GETATTR, 77),
                request(arena, FUSE_FORGET, 78), request(arena, FUSE_LOOKUP, 79)));
        List<Reply> replies = Collections.synchronizedList(new ArrayList<>());
        List<Integer> processed = Collections.synchronizedList(new ArrayList<>());
        FakeFuse fuse = new FakeFuse()
                .answer("fuse_chan_recv", a -> {
                    MemorySegment next = requests.poll();
                    if (next == null) {
                        return -ENODEV; // unmounted: the loop ends
                    }
                    MemorySegment.ofAddress((long) a[1]).reinterpret((long) a[2]).copyFrom(next);
                    return (int) next.byteSize();
                })
                .answer("fuse_session_process", a -> {
                    processed.add(MemorySegment.ofAddress((long) a[1]).reinterpret(8).get(ValueLayout.JAVA_INT_UNALIGNED, 4));
                    throw new NullPointerException("callable is null");
                })
                .answer("fuse_chan_fd", a -> CHANNEL_FD)
                .answer("write", a -> {
                    ByteBuffer b = MemorySegment.ofAddress((long) a[1]).reinterpret((long) a[2]).asByteBuffer()
                            .order(ByteOrder.nativeOrder());
                    replies.add(new Reply((int) a[0], b.getInt(0), b.getInt(4), b.getLong(8)));
                    return a[2];
                });
        KernelInit init = new KernelInit(fuse.lib, fuse.libc, false, 1 << 20);
        Session session = new Session(fuse.lib, fuse.libc, Path.of("/nonexistent"), init,
                new LowLevelFs(null, fuse.lib, 1, 1, init));
        session.serve(1);
        assertEquals(List.of(FUSE_GETATTR, FUSE_FORGET, FUSE_LOOKUP), processed, "every request reached libfuse");
        assertTrue(requests.isEmpty(), "the thread went on receiving after each failure");
        assertEquals(List.of(new Reply(CHANNEL_FD, 16, -5, 77), new Reply(CHANNEL_FD, 16, -5, 79)), replies,
                "EIO for each request that expects an answer; none for FORGET");
    }

    /** A bare fuse_in_header (40 bytes): len, opcode, unique, nodeid 1. */
    private static MemorySegment request(Arena arena, int opcode, long unique) {
        MemorySegment r = arena.allocate(40, 8);
        r.set(ValueLayout.JAVA_INT, 0, 40);
        r.set(ValueLayout.JAVA_INT, 4, opcode);
        r.set(ValueLayout.JAVA_LONG, 8, unique);
        r.set(ValueLayout.JAVA_LONG, 16, 1);
        return r;
    }
}
