package io.nvmfs.fuse;

import io.nvmfs.core.Errno;
import io.nvmfs.core.FsException;
import io.nvmfs.fuse.protocol.Opcode;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each request to its handler in {@link FsRequests} and guarantees its answer: whatever the
 * handler throws (an {@link FsException}: its errno; anything else, Errors included: EIO, logged
 * once) is answered, and a request that ends unanswered any other way is answered EIO. Requests
 * nvmfs does not serve are answered ENOSYS, which the kernel remembers (it stops sending them).
 * FORGET, BATCH_FORGET and INTERRUPT are never answered, as the kernel waits for no answer.
 *
 * <p>INTERRUPT is ignored: every nvmfs request completes in bounded time (none waits on another
 * process), so the interrupted request is simply answered when done, which the protocol allows.
 */
final class Dispatcher {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");
    /** Where -o debug logs each request (at FINE: the mount log's DEBUG). */
    private static final Logger REQUESTS = Logger.getLogger("io.nvmfs.fuse.requests");

    private final FsRequests ops;
    private final InitNegotiation init;
    /**
     * -o debug. Final and read once per request: with it off a request costs one predictable
     * branch (two with the timing), no clock read, no string, no logger call.
     */
    private final boolean debug;
    private final AtomicBoolean loggedUnexpected = new AtomicBoolean();
    /** Requests served since mount, by type (nvmfs stats). */
    final RequestCounts counts = new RequestCounts();

    Dispatcher(FsRequests ops, InitNegotiation init, boolean debug) {
        this.ops = ops;
        this.init = init;
        this.debug = debug;
    }

    /** What one serving thread reuses for every request it handles. */
    static final class Scratch {
        final MemorySegment note;
        final LongList inodes = new LongList();

        Scratch(MemorySegment note) {
            this.note = note;
        }
    }

    /** Handles the request in {@code rq}, answering it (if it is answered at all) through {@code rp}. */
    void dispatch(Request rq, Reply rp, Scratch scratch) {
        long start = debug ? System.nanoTime() : 0;
        int opcode = rq.opcode();
        long node = debug ? rq.nodeid() : 0; // read now: an io_uring reply overwrites the request's headers
        rp.start(rq.unique());
        int errno;
        try {
            counts.count(Opcode.name(opcode));
            handle(opcode, rq, rp, scratch);
            if (!rp.answered()) {
                if (Opcode.answered(opcode)) {
                    rp.error(Errno.EIO.code());
                    logOnce(Opcode.name(opcode), new IllegalStateException("handler returned without an answer"));
                }
            }
            errno = rp.errno();
        } catch (Throwable t) {
            errno = errno(t);
            if (Opcode.answered(opcode)) {
                rp.error(errno);
            }
            if (t instanceof InternalError) {
                readOnlyAfterFault(t);
            }
            if (!(t instanceof FsException)) {
                logOnce(Opcode.name(opcode), t);
            }
        }
        if (debug) {
            trace(Opcode.name(opcode), node, errno, start);
        }
    }

    private void handle(int opcode, Request rq, Reply rp, Scratch s) throws FsException {
        switch (opcode) {
            case Opcode.LOOKUP -> ops.lookup(rq, rp);
            case Opcode.FORGET -> {
                rp.none();
                ops.forget(rq);
            }
            case Opcode.BATCH_FORGET -> {
                rp.none();
                ops.batchForget(rq);
            }
            case Opcode.INTERRUPT -> rp.none();
            case Opcode.GETATTR -> ops.getattr(rq, rp);
            case Opcode.STATX -> ops.statx(rq, rp);
            case Opcode.SETATTR -> ops.setattr(rq, rp);
            case Opcode.READLINK -> ops.readlink(rq, rp);
            case Opcode.SYMLINK -> ops.symlink(rq, rp);
            case Opcode.MKNOD -> ops.mknod(rq, rp);
            case Opcode.MKDIR -> ops.mkdir(rq, rp);
            case Opcode.UNLINK -> ops.unlink(rq, rp);
            case Opcode.RMDIR -> ops.rmdir(rq, rp);
            case Opcode.RENAME -> ops.rename(rq, rp, false);
            case Opcode.RENAME2 -> ops.rename(rq, rp, true);
            case Opcode.LINK -> ops.link(rq, rp);
            case Opcode.OPEN -> ops.open(rq, rp);
            case Opcode.CREATE -> ops.create(rq, rp);
            case Opcode.TMPFILE -> ops.tmpfile(rq, rp);
            case Opcode.READ -> ops.read(rq, rp);
            case Opcode.WRITE -> ops.write(rq, rp, s.note);
            case Opcode.FLUSH -> ops.flush(rq, rp);
            case Opcode.RELEASE -> ops.release(rq, rp, s.note);
            case Opcode.FSYNC -> ops.fsync(rq, rp);
            case Opcode.FALLOCATE -> ops.fallocate(rq, rp, s.note);
            case Opcode.LSEEK -> ops.lseek(rq, rp);
            case Opcode.IOCTL -> ops.ioctl(rq, rp);
            case Opcode.COPY_FILE_RANGE -> ops.copyFileRange(rq, rp);
            case Opcode.OPENDIR -> ops.opendir(rq, rp);
            case Opcode.READDIR -> ops.readdir(rq, rp);
            case Opcode.READDIRPLUS -> ops.readdirplus(rq, rp, s.inodes);
            case Opcode.RELEASEDIR -> ops.releasedir(rq, rp);
            case Opcode.FSYNCDIR -> ops.fsyncdir(rp);
            case Opcode.STATFS -> ops.statfs(rp);
            case Opcode.SETXATTR -> ops.setxattr(rq, rp, s.note);
            case Opcode.GETXATTR -> ops.getxattr(rq, rp);
            case Opcode.LISTXATTR -> ops.listxattr(rq, rp);
            case Opcode.REMOVEXATTR -> ops.removexattr(rq, rp);
            case Opcode.ACCESS -> ops.access(rq, rp);
            case Opcode.SYNCFS -> ops.syncfs(rp);
            case Opcode.INIT -> {
                int len = init.answer(rq.buf, rp.buf);
                if (len < 0) {
                    rp.error(-len);
                } else if (rp.send(len)) {
                    init.replied();
                }
            }
            case Opcode.DESTROY -> rp.ok();
            default -> rp.error(Errno.ENOSYS.code());
        }
    }

    private static int errno(Throwable t) {
        return t instanceof FsException e && e.errno() != null ? e.errno().code() : Errno.EIO.code();
    }

    /** A fault on the mapping (see {@link io.nvmfs.core.NvmFs#mappingFault}); the request is already answered. */
    private void readOnlyAfterFault(Throwable t) {
        try {
            ops.fs().mappingFault(t);
        } catch (Throwable ignored) {
            // nothing more to do: the caller has its answer
        }
    }

    /** Logs the first unexpected failure; a failure to log is dropped (the request is already answered). */
    private void logOnce(String op, Throwable t) {
        try {
            if (loggedUnexpected.compareAndSet(false, true)) {
                LOG.log(Level.SEVERE, "unexpected failure in " + op + " (answered EIO; further ones not logged)", t);
            }
        } catch (Throwable loggingFailed) {
            // nothing more to do: the caller has its answer
        }
    }

    /**
     * -o debug: one DEBUG line per request, {@code lookup node 1: ENOENT 12 us} (the node the
     * request is about: the parent for a name, else the inode; the errno answered or OK; the
     * microseconds from receipt to answer). After the answer, so it never delays one; a failure
     * to log is dropped.
     */
    private static void trace(String op, long node, int errno, long start) {
        try {
            REQUESTS.fine(op + " node " + node + ": " + errnoName(errno) + " " + (System.nanoTime() - start) / 1000 + " us");
        } catch (Throwable loggingFailed) {
            // nothing more to do: the caller has its answer
        }
    }

    static String errnoName(int errno) {
        if (errno == 0) {
            return "OK";
        }
        for (Errno e : Errno.values()) {
            if (e.code() == errno) {
                return e.name();
            }
        }
        return "errno " + errno;
    }
}
