package io.nvmfs.fuse;

import io.nvmfs.fuse.protocol.OutHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.IntUnaryOperator;

/**
 * A channel for unit tests of the serving loop: hands out the requests it was given, then
 * ENODEV (unmounted), and keeps a copy of every reply written. {@link #refuse} makes writes of
 * some replies fail, as the kernel refuses one (ENOENT: the request was interrupted; EINVAL: a
 * malformed reply). Real mounts are in the integration tests.
 */
final class ScriptedChannel implements Channel {
    record Sent(long unique, int error, byte[] body) {
    }

    private final Queue<Object> script = new ArrayDeque<>();
    final List<Sent> sent = new ArrayList<>();
    /** Given a reply's error field (0 for success), the errno its write fails with (0: taken). */
    private IntUnaryOperator refusal = error -> 0;

    /** Queues a request (its bytes are copied into the receive buffer when read). */
    ScriptedChannel request(byte[] bytes) {
        script.add(bytes);
        return this;
    }

    /** Queues a failed read, returning -errno. */
    ScriptedChannel readFails(int errno) {
        script.add(errno);
        return this;
    }

    ScriptedChannel refuse(IntUnaryOperator refusal) {
        this.refusal = refusal;
        return this;
    }

    @Override
    public long receive(MemorySegment buf) {
        Object next = script.poll();
        if (next == null) {
            return -ENODEV;
        }
        if (next instanceof Integer errno) {
            return -errno;
        }
        byte[] b = (byte[]) next;
        MemorySegment.copy(b, 0, buf, ValueLayout.JAVA_BYTE, 0, b.length);
        return b.length;
    }

    @Override
    public int send(MemorySegment buf, int length) {
        int error = OutHeader.error(buf);
        int refused = refusal.applyAsInt(error);
        if (refused != 0) {
            return -refused;
        }
        if (OutHeader.len(buf) != length) {
            throw new AssertionError("header says " + OutHeader.len(buf) + " bytes, " + length + " written");
        }
        sent.add(new Sent(OutHeader.unique(buf), error,
                buf.asSlice(OutHeader.SIZE, length - OutHeader.SIZE).toArray(ValueLayout.JAVA_BYTE)));
        return 0;
    }

    /** The replies to request {@code unique}, in order. */
    List<Sent> repliesTo(long unique) {
        return sent.stream().filter(s -> s.unique() == unique).toList();
    }

    @Override
    public void close() {
    }
}
