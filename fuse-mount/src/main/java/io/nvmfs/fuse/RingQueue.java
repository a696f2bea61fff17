package io.nvmfs.fuse;

import io.nvmfs.core.Errno;
import io.nvmfs.fuse.protocol.NotifyInvalInode;
import io.nvmfs.fuse.protocol.OutHeader;
import io.nvmfs.fuse.protocol.RingCommand;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One FUSE io_uring queue: the kernel hands the requests made on CPU {@link #qid} to it, and its
 * thread, pinned to that CPU, serves them. The thread registers {@code depth} entries
 * ({@link RingEntry}), then loops: one io_uring_enter submits the commits of the replies it has
 * written and waits for the next requests; each completion is a request in an entry, dispatched
 * as one from /dev/fuse is. Forgets and interrupts still come through /dev/fuse (the kernel sends
 * only requests that are answered through a ring), as do the notifications nvmfs writes.
 *
 * <p>Every request a completion brings is answered: the dispatcher answers whatever it
 * dispatches, and an entry it left uncommitted (a request the kernel expects no answer to, which
 * it never sends here) is committed EIO so the entry serves on. A commit the kernel refuses for
 * anything but the connection's end (the request is gone: ENOENT) registers the entry again.
 * The thread ends when every entry has been given back with ENOTCONN: the filesystem is
 * unmounted or the connection aborted.
 */
final class RingQueue implements RingEntry.Commits {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");
    private static final int ENOTCONN = 107;
    private static final int ECONNABORTED = 103;

    final int qid;
    private final int depth;
    private final int fuseFd;
    private final int payloadSize;
    private final Dispatcher dispatcher;
    private final Transport transport;
    private IoUring ring;
    /** The command each entry has outstanding (REGISTER or COMMIT_AND_FETCH), for a resubmit. */
    private int[] outstanding;

    RingQueue(int qid, int depth, int fuseFd, int payloadSize, Dispatcher dispatcher, Transport transport) {
        this.qid = qid;
        this.depth = depth;
        this.fuseFd = fuseFd;
        this.payloadSize = payloadSize;
        this.dispatcher = dispatcher;
        this.transport = transport;
    }

    /**
     * Serves this queue on the calling thread until the connection ends. Returns at once, having
     * logged why, when the ring cannot be made (requests then keep coming through /dev/fuse: the
     * kernel switches to the rings only once every CPU's queue has registered).
     */
    void serve() {
        int pinned = NativeIo.pinToCpu(qid);
        if (pinned < 0) {
            LOG.fine("io_uring queue " + qid + ": not pinned to CPU " + qid + " (" + NativeIo.strerror(-pinned) + ")");
        }
        try (Arena arena = Arena.ofConfined(); IoUring r = IoUring.create(depth, 2 * depth, arena);
             DevFuseChannel notes = DevFuseChannel.of(fuseFd, arena)) {
            ring = r;
            outstanding = new int[depth];
            RingEntry[] entries = new RingEntry[depth];
            for (int i = 0; i < depth; i++) {
                entries[i] = new RingEntry(i, payloadSize, this, notes, arena);
                submit(entries[i], RingCommand.REGISTER);
            }
            transport.queueStarted(qid);
            loop(entries, new Dispatcher.Scratch(arena.allocate(NotifyInvalInode.LENGTH, 8)));
        } catch (RuntimeException | Error e) {
            transport.queueFailed(qid, e.getMessage());
            LOG.log(Level.WARNING, "io_uring queue " + qid + " stopped: " + e.getMessage(), e);
        }
    }

    private void loop(RingEntry[] entries, Dispatcher.Scratch scratch) {
        int live = depth;
        while (live > 0) {
            int r = ring.submitAndWait(1);
            if (r == -Channel.EINTR) {
                continue;
            }
            if (r < 0) {
                throw new IllegalStateException("io_uring_enter failed: " + NativeIo.strerror(-r));
            }
            int n = ring.completions();
            for (int i = 0; i < n; i++) {
                RingEntry e = entries[(int) ring.cqeUserData(i)];
                int res = ring.cqeResult(i);
                if (res == 0) {
                    serve(e, scratch);
                } else if (!completedWithError(e, -res)) {
                    live--;
                }
            }
            ring.consumed(n);
        }
    }

    /** Dispatches the request now in {@code e}; whatever happens, its commit is staged. */
    private void serve(RingEntry e, Dispatcher.Scratch scratch) {
        transport.ringRequest();
        if (e.received()) {
            try {
                dispatcher.dispatch(e.request, e.reply, scratch);
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "a ring request failed outside its handler (answered EIO)", t);
            }
        }
        if (!e.committed()) { // unanswered, or answered as needing no reply: never leave the entry idle
            OutHeader.write(e.reply.buf, OutHeader.SIZE, -Errno.EIO.code(), e.commitId());
            e.send(e.reply.buf, OutHeader.SIZE);
        }
    }

    /** The entry's command failed with {@code errno}: true if the entry serves on (resubmitted). */
    private boolean completedWithError(RingEntry e, int errno) {
        if (errno == ENOTCONN || errno == ECONNABORTED || errno == Channel.ENODEV) {
            return false; // the connection is gone: this entry's end
        }
        if (errno == Channel.EINTR || errno == Channel.EAGAIN) {
            submit(e, outstanding[e.index]);
            return true;
        }
        if (outstanding[e.index] == RingCommand.COMMIT_AND_FETCH) {
            // The kernel did not find the request (it ended it itself): the entry is idle on both
            // sides, so it is handed over again.
            LOG.fine("io_uring queue " + qid + ": commit of " + e.commitId() + " refused (" + NativeIo.strerror(errno)
                    + "); entry registered again");
            submit(e, RingCommand.REGISTER);
            return true;
        }
        LOG.warning("io_uring queue " + qid + ": the kernel refused an entry (" + NativeIo.strerror(errno) + ")");
        transport.queueFailed(qid, NativeIo.strerror(errno));
        return false;
    }

    /** Stages the commit of the reply {@code e} holds, with the fetch of its next request. */
    @Override
    public void commit(RingEntry e) {
        submit(e, RingCommand.COMMIT_AND_FETCH);
    }

    private void submit(RingEntry e, int command) {
        outstanding[e.index] = command;
        MemorySegment sqe = ring.nextSqe();
        RingCommand.write(sqe, command, fuseFd, qid, command == RingCommand.COMMIT_AND_FETCH ? e.commitId() : 0, e.iovecs(),
                e.index);
    }
}
