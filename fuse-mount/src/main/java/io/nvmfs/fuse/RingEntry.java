package io.nvmfs.fuse;

import io.nvmfs.fuse.protocol.InHeader;
import io.nvmfs.fuse.protocol.OutHeader;
import io.nvmfs.fuse.protocol.RingCommand;
import io.nvmfs.fuse.protocol.RingHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One entry of a FUSE io_uring queue: the buffers the kernel writes a request into and reads its
 * reply from, and the {@link Request} and {@link Reply} the dispatcher sees them through. Allocated
 * once, when the queue starts; nothing is allocated or copied per request beyond the request's
 * headers (at most 168 bytes).
 *
 * <pre>
 * region (one allocation, page aligned)
 *   0 .. 288          RingHeader: the kernel's in_out / op_in / commit_id / payload_sz
 *   4096 - 40 - s     the request as /dev/fuse lays it out: in_header and the opcode's struct of s
 *                     bytes, copied here from the header, so that the payload follows them
 *   4096 - 16         the reply's fuse_out_header (copied to in_out at send)
 *   4096 ..           payload: the request's names and data; then the reply's body
 * </pre>
 * The dispatcher and {@link FsRequests} thus read a request and write a reply at the same offsets
 * on both transports. The reply's header takes the last 16 bytes of the request's headers, and its
 * body the request's payload: see {@link Reply} for why that is safe.
 */
final class RingEntry implements ReplyChannel {
    private static final int PAYLOAD_AT = 4096;

    /** Where an entry's reply goes once written: its queue stages the COMMIT_AND_FETCH ({@link RingQueue}). */
    interface Commits {
        void commit(RingEntry e);
    }

    final int index;
    final Request request;
    final Reply reply;
    private final MemorySegment header;
    private final MemorySegment region;
    private final MemorySegment iovecs;
    private final long payloadSize;
    /** Request views by the size of the opcode's struct (0 .. 128), made at first use. */
    private final MemorySegment[] views = new MemorySegment[RingHeader.OP_IN_SIZE + 1];
    private final Commits queue;
    private final ReplyChannel notifications;
    private long commitId;
    private boolean committed;

    RingEntry(int index, int payloadSize, Commits queue, ReplyChannel notifications, Arena arena) {
        this.index = index;
        this.queue = queue;
        this.notifications = notifications;
        this.payloadSize = payloadSize;
        this.region = arena.allocate(PAYLOAD_AT + (long) payloadSize, 4096);
        this.header = region.asSlice(0, RingHeader.SIZE);
        this.iovecs = arena.allocate(2L * RingCommand.IOVEC_SIZE, 8);
        RingCommand.iovecs(iovecs, header, region.asSlice(PAYLOAD_AT, payloadSize));
        this.request = new Request(view(0));
        this.reply = new Reply(region.asSlice(PAYLOAD_AT - OutHeader.SIZE, OutHeader.SIZE + (long) payloadSize), this);
    }

    MemorySegment iovecs() {
        return iovecs;
    }

    long commitId() {
        return commitId;
    }

    /**
     * The kernel has put a request in this entry: lays it out for the dispatcher. False for a
     * request whose sizes do not add up (the kernel's contract broken), which is then answered
     * EIO without being dispatched.
     */
    boolean received() {
        committed = false;
        commitId = RingHeader.commitId(header);
        int length = InHeader.len(header);
        int payload = RingHeader.payloadSize(header);
        int opStruct = length - InHeader.SIZE - payload;
        if (payload < 0 || payload > payloadSize || opStruct < 0 || opStruct > RingHeader.OP_IN_SIZE) {
            reply.start(InHeader.unique(header));
            return false;
        }
        MemorySegment v = view(opStruct);
        MemorySegment.copy(header, RingHeader.IN_OUT, v, 0, InHeader.SIZE);
        MemorySegment.copy(header, RingHeader.OP_IN, v, InHeader.SIZE, opStruct);
        request.received(v, length);
        return true;
    }

    private MemorySegment view(int opStruct) {
        MemorySegment v = views[opStruct];
        if (v == null) {
            long at = PAYLOAD_AT - InHeader.SIZE - opStruct;
            v = region.asSlice(at, region.byteSize() - at);
            views[opStruct] = v;
        }
        return v;
    }

    /** Whether the request now in the entry has been answered (its commit staged). */
    boolean committed() {
        return committed;
    }

    /** The reply's header goes to in_out, its body stays in the payload; the commit is submitted with the queue's next wait. */
    @Override
    public int send(MemorySegment buf, int length) {
        if (committed) {
            return -Channel.ENOENT; // a second answer to one request: the kernel would not find it
        }
        committed = true;
        MemorySegment.copy(buf, 0, header, RingHeader.IN_OUT, OutHeader.SIZE);
        RingHeader.payloadSize(header, length - OutHeader.SIZE);
        queue.commit(this);
        return 0;
    }

    /** The kernel takes no notification through a ring entry: they go to /dev/fuse. */
    @Override
    public int notify(MemorySegment note, int length) {
        return notifications.notify(note, length);
    }
}
