package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One FUSE mount served by libfuse 2's low-level session, driven from long-lived Java threads:
 * each receives a request from the channel and processes it on the same thread, so callbacks
 * always arrive on threads jffi has attached once (libfuse's own multithreaded loop creates and
 * retires native threads, which jffi attaches and detaches around early callbacks; measured in the
 * issue as a collapse to 0.33-0.38x of a C filesystem with two clients). A slow call (fsync)
 * occupies one thread; the others keep serving.
 *
 * <p>A serving thread never ends on an exception: one that escapes fuse_session_process is
 * answered on the raw request ({@link #answerEscaped}) and the thread takes the next request.
 */
final class Session {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private final LowLevelLib lib;
    private final Libc libc;
    private final Path mountPoint;
    private final KernelInit init;
    private final Arena arena = Arena.ofShared();
    /**
     * The ops struct libfuse calls through and the callbacks behind it: held by this session from
     * construction, and fenced at the end of {@link #serve} (after fuse_session_destroy), so no
     * garbage collection can free a callback libfuse may still call.
     */
    private final Callbacks callbacks;
    private final LowLevelFs fs;
    private long channel;
    private long session;
    private volatile boolean unmounted;
    private final AtomicBoolean loggedEscape = new AtomicBoolean();

    Session(LowLevelLib lib, Libc libc, Path mountPoint, KernelInit init, LowLevelFs fs) {
        this.fs = fs;
        this.lib = lib;
        this.libc = libc;
        this.mountPoint = mountPoint;
        this.init = init;
        this.callbacks = fs.callbacks(arena);
    }

    /**
     * Mounts with {@code mountOptions} (for fuse_mount: fsname, subtype, default_permissions, ...)
     * and {@code sessionOptions} (for fuse_lowlevel_new: big_writes, max_write, ...).
     */
    void mount(String mountOptions, String sessionOptions) {
        MemorySegment mountArgs = args("nvmfs", "-o", mountOptions);
        channel = lib.fuse_mount(mountPoint.toString(), mountArgs.address());
        lib.fuse_opt_free_args(mountArgs.address());
        if (channel == 0) {
            throw new UserError("cannot mount on " + mountPoint + " (fuse_mount failed; see the message above)");
        }
        MemorySegment sessionArgs = args("nvmfs", "-o", sessionOptions);
        MemorySegment ops = callbacks.struct();
        session = lib.fuse_lowlevel_new(sessionArgs.address(), ops.address(), ops.byteSize(), 0);
        lib.fuse_opt_free_args(sessionArgs.address());
        if (session == 0) {
            lib.fuse_unmount(mountPoint.toString(), channel);
            throw new UserError("cannot start the FUSE session on " + mountPoint);
        }
        lib.fuse_session_add_chan(session, channel);
        fs.connected(channel);
    }

    private MemorySegment args(String... argv) {
        MemorySegment a = arena.allocate(CStructs.ARGS_SIZE, 8);
        for (String s : argv) {
            if (lib.fuse_opt_add_arg(a.address(), s) != 0) {
                throw new IllegalStateException("fuse_opt_add_arg failed");
            }
        }
        return a;
    }

    /** Serves requests on {@code threads} threads until the file system is unmounted; then cleans up. */
    void serve(int threads) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "nvmfs-fuse-" + i);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        lib.fuse_session_remove_chan(channel);
        lib.fuse_session_destroy(session);
        lib.fuse_unmount(mountPoint.toString(), channel);
        unmounted = true;
        callbacks.reachableUntilHere(); // libfuse can call them until fuse_session_destroy has returned
        arena.close();
    }

    private void loop() {
        try (Arena local = Arena.ofConfined()) {
            long size = Math.max(lib.fuse_chan_bufsize(channel), init.requestBufferSize());
            MemorySegment buf = local.allocate(size, 4096);
            RawRequest.bind(buf);
            MemorySegment chp = local.allocate(8, 8);
            while (lib.fuse_session_exited(session) == 0) {
                chp.set(ValueLayout.JAVA_LONG, 0, channel);
                int res = lib.fuse_chan_recv(chp.address(), buf.address(), size);
                if (res == -EINTR || res == -EAGAIN) {
                    continue;
                }
                if (res <= 0) {
                    break; // 0 or -ENODEV: unmounted
                }
                if (KernelInit.isInit(buf)) {
                    if (!init.process(session, buf, res, chp.get(ValueLayout.JAVA_LONG, 0))) {
                        LOG.severe("could not answer the kernel's FUSE_INIT; unmounting");
                        requestUnmount(); // the other threads wait in read(2) until the kernel lets go
                        break;
                    }
                    continue;
                }
                long ch = chp.get(ValueLayout.JAVA_LONG, 0);
                try {
                    RawRequest.keepSetattrValid(buf);
                    lib.fuse_session_process(session, buf.address(), res, ch);
                } catch (Throwable t) {
                    answerEscaped(buf, ch, t);
                }
            }
            lib.fuse_session_exit(session);
        }
    }

    /**
     * Something escaped fuse_session_process. Not a callback's own failure ({@link LowLevelFs}
     * answers those) but one around it: jnr's closure glue (converting arguments, finding the
     * callback) or fuse_reply_err itself. The request may be unanswered and its caller waiting,
     * so it is answered EIO on the raw channel first (a duplicate is refused by the kernel, see
     * {@link RawReply}); then logged once. Nothing here may end the serving thread.
     */
    private void answerEscaped(MemorySegment request, long ch, Throwable t) {
        try {
            if (RawReply.expected(request)) {
                RawReply.eio(libc, lib.fuse_chan_fd(ch), request);
            }
        } catch (Throwable replyFailed) {
            t.addSuppressed(replyFailed);
        }
        try {
            if (loggedEscape.compareAndSet(false, true)) {
                LOG.log(Level.SEVERE, "a request failed outside its callback (answered EIO; further ones not logged)", t);
            }
        } catch (Throwable loggingFailed) {
            // the request is answered; keep serving
        }
    }

    /** Asks the kernel to unmount (as fusermount -u does); the serving threads then end. */
    void requestUnmount() {
        if (unmounted) {
            return;
        }
        try {
            Process p = new ProcessBuilder("fusermount", "-u", "-z", mountPoint.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (java.io.IOException e) {
            lib.fuse_session_exit(session);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
