package io.nvmfs.fuse;

import io.nvmfs.fuse.protocol.OutHeader;
import java.lang.foreign.MemorySegment;

/**
 * The answer to the request a serving thread is handling, built in the thread's reply buffer
 * (the body at {@link OutHeader#SIZE}) and sent on the channel the request came from. One per
 * thread (per ring entry on io_uring), reused.
 *
 * <p>On io_uring the reply body is the ring entry's payload buffer, which also holds the request's
 * names and data, and the header the 16 bytes before it, which end the request's headers
 * ({@link RingEntry}): a handler reads what it needs of the request before it writes its answer
 * (each one takes its arguments first), and nothing reads the request after {@link #send}.
 *
 * <p>Invariant: a request is answered at most once — {@link #send} and {@link #error} do nothing
 * after the first answer — and {@link Dispatcher} answers EIO for any request that ends
 * unanswered, so every request the kernel waits on gets exactly one reply.
 */
final class Reply {
    static final int BODY = OutHeader.SIZE;
    private static final int EIO = 5;

    final MemorySegment buf;
    private final ReplyChannel channel;
    private long unique;
    private boolean answered;
    private int errno;

    Reply(MemorySegment buf, ReplyChannel channel) {
        this.buf = buf;
        this.channel = channel;
    }

    /** A new request is being handled. */
    void start(long unique) {
        this.unique = unique;
        this.answered = false;
        this.errno = 0;
    }

    boolean answered() {
        return answered;
    }

    /** The errno answered (0 for success): for -o debug's trace. */
    int errno() {
        return errno;
    }

    /** Bytes a body may take. */
    long room() {
        return buf.byteSize() - BODY;
    }

    /**
     * Sends the body of {@code bodyLength} bytes written at {@link #BODY}; true if the kernel took
     * it. A reply the kernel refuses for any reason but ENOENT (the request is gone) leaves the
     * request waiting, so it is answered EIO instead; false then too.
     */
    boolean send(int bodyLength) {
        if (answered) {
            return false;
        }
        answered = true;
        OutHeader.write(buf, BODY + bodyLength, 0, unique);
        int r = channel.send(buf, BODY + bodyLength);
        if (r == 0) {
            return true;
        }
        if (r != -Channel.ENOENT) {
            this.errno = EIO;
            OutHeader.write(buf, BODY, -EIO, unique);
            channel.send(buf, BODY);
        }
        return false;
    }

    /** Success with no body. */
    boolean ok() {
        return send(0);
    }

    /** The request failed with {@code errno} (positive); true if the kernel took the answer. */
    boolean error(int errno) {
        if (answered) {
            return false;
        }
        answered = true;
        this.errno = errno;
        OutHeader.write(buf, BODY, -errno, unique);
        return channel.send(buf, BODY) == 0;
    }

    /** Writes a notification (already laid out in {@code note}) on this thread's channel; 0 or -errno. */
    int notify(MemorySegment note, int length) {
        return channel.notify(note, length);
    }

    /** A request the kernel expects no answer to: counts as answered. */
    void none() {
        answered = true;
    }
}
