package io.nvmfs.fuse;

import io.nvmfs.core.Errno;
import io.nvmfs.fuse.protocol.InHeader;
import io.nvmfs.fuse.protocol.InitOut;
import io.nvmfs.fuse.protocol.NotifyInvalInode;
import io.nvmfs.fuse.protocol.Opcode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One FUSE mount: libfuse mounts and hands over the /dev/fuse descriptor; nvmfs's own threads
 * read requests from it, dispatch them ({@link Dispatcher}) and write the replies. No native code
 * calls into Java, so nothing a garbage collection frees can be called (the class of bug where
 * jnr's weakly held callbacks were collected and requests went unanswered).
 *
 * <p>Each serving thread has its own descriptor, a clone of the mount's, and its own request and
 * reply buffers, allocated once when it starts; a slow call (fsync) occupies one thread while the
 * others keep serving. A serving thread never ends on an exception: the request is answered EIO
 * and the thread takes the next. The threads end when the kernel says the filesystem is gone
 * (ENODEV on read), after an unmount or an abort of the connection.
 */
final class Session {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");

    private final LibFuseMount lib;
    private final Path mountPoint;
    private final InitNegotiation init;
    private final Dispatcher dispatcher;
    private final Transport transport;
    private final boolean ioUring;
    private final List<Thread> rings = new ArrayList<>();
    private volatile boolean stopping;
    private MemorySegment channel = MemorySegment.NULL;
    private int mountFd = -1;
    private volatile boolean unmounted;
    private final AtomicBoolean loggedClone = new AtomicBoolean();
    private final AtomicBoolean loggedEscape = new AtomicBoolean();

    /** Entries per io_uring queue: requests the kernel can hand one CPU's queue before it keeps them waiting. */
    static final int RING_DEPTH = 8;

    /**
     * @param transport what {@code nvmfs stats} shows of the transport; io_uring is served when it
     *                  was asked for ({@link IoUringSupport#problem} found nothing against it)
     */
    Session(LibFuseMount lib, Path mountPoint, InitNegotiation init, Dispatcher dispatcher, Transport transport) {
        this.lib = lib;
        this.mountPoint = mountPoint;
        this.init = init;
        this.dispatcher = dispatcher;
        this.transport = transport;
        this.ioUring = transport.ringUsable();
    }

    /** Mounts with {@code mountOptions} (for fuse_mount: fsname, subtype, default_permissions, ...). */
    void mount(String mountOptions) {
        channel = lib.mount(mountPoint.toString(), mountOptions);
        if (channel.equals(MemorySegment.NULL)) {
            throw new UserError("cannot mount on " + mountPoint + " (fuse_mount failed; see the message above)");
        }
        mountFd = lib.fd(channel);
    }

    /** Serves requests on {@code threads} threads until the filesystem is unmounted; then cleans up. */
    void serve(int threads) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "nvmfs-fuse-" + i);
            t.start();
            workers.add(t);
        }
        Thread ringStarter = null;
        if (ioUring) {
            ringStarter = new Thread(this::startRings, "nvmfs-ring-start");
            ringStarter.setDaemon(true);
            ringStarter.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        stopping = true;
        if (ringStarter != null) {
            ringStarter.join();
            joinRings();
        }
        lib.unmount(mountPoint.toString(), channel); // closes the mount's descriptor
        unmounted = true;
    }

    /**
     * After the INIT reply (the kernel refuses ring commands before it), one queue per possible
     * CPU, each on its own thread ({@link RingQueue}); the kernel switches from /dev/fuse to the
     * rings once every queue has registered. If the kernel did not take io_uring, says so in one
     * line and leaves /dev/fuse serving.
     */
    private void startRings() {
        try {
            while (!init.awaitReplied(100)) {
                if (stopping) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            return;
        }
        if (!init.granted(InitOut.OVER_IO_URING)) {
            String why = "the kernel's INIT did not offer FUSE over io_uring";
            transport.ringNotUsed(why);
            LOG.warning("-o io_uring: " + why + "; serving over /dev/fuse");
            return;
        }
        int queues = IoUringSupport.possibleCpus();
        synchronized (rings) {
            for (int q = 0; q < queues; q++) {
                RingQueue queue = new RingQueue(q, RING_DEPTH, mountFd, init.bufferSize(), dispatcher, transport);
                Thread t = new Thread(queue::serve, "nvmfs-ring-" + q);
                t.setDaemon(true); // a queue the kernel never ends must not keep the process alive after unmount
                t.start();
                rings.add(t);
            }
        }
        LOG.info("serving over io_uring: " + queues + " queues of " + RING_DEPTH + " entries");
    }

    /** The queues end when the connection does; one that does not within 10 s is left (and logged). */
    private void joinRings() throws InterruptedException {
        synchronized (rings) {
            for (Thread t : rings) {
                t.join(10_000);
                if (t.isAlive()) {
                    LOG.warning(t.getName() + " did not end with the connection; unmounting without it");
                }
            }
        }
    }

    private Channel channelForThread(Arena local) {
        try {
            return DevFuseChannel.cloneOf(mountFd, local);
        } catch (RuntimeException e) {
            if (loggedClone.compareAndSet(false, true)) {
                LOG.warning("serving threads share the mount's descriptor: " + e.getMessage());
            }
            return DevFuseChannel.of(mountFd, local);
        }
    }

    private void loop() {
        try (Arena local = Arena.ofConfined(); Channel ch = channelForThread(local)) {
            serveOn(ch, local, init.bufferSize(), dispatcher);
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "a serving thread could not start or ended on a failure", t);
        }
    }

    /**
     * Receives and answers requests on {@code ch} until it reports the filesystem gone (ENODEV)
     * or fails otherwise (logged). Nothing a request does ends the loop.
     */
    static void serveOn(Channel ch, Arena local, int bufferSize, Dispatcher dispatcher) {
        Request rq = new Request(local.allocate(bufferSize, 4096));
        Reply rp = new Reply(local.allocate(bufferSize, 4096), ch);
        Dispatcher.Scratch scratch = new Dispatcher.Scratch(local.allocate(NotifyInvalInode.LENGTH, 8));
        while (true) {
            long n = ch.receive(rq.buf);
            if (n == -Channel.EINTR || n == -Channel.EAGAIN || n == -Channel.ENOENT) {
                continue; // interrupted, or the request was withdrawn before it could be read
            }
            if (n < InHeader.SIZE) {
                if (n != -Channel.ENODEV && n != 0) {
                    LOG.severe("reading a request failed (errno " + -n + "); this serving thread stops");
                }
                return;
            }
            rq.received((int) n);
            try {
                dispatcher.dispatch(rq, rp, scratch);
            } catch (Throwable t) {
                answerEscaped(rq, rp, t); // dispatch answers everything; this is the last line
            }
        }
    }

    private static void answerEscaped(Request rq, Reply rp, Throwable t) {
        try {
            if (Opcode.answered(rq.opcode()) && !rp.answered()) {
                rp.error(Errno.EIO.code());
            }
            LOG.log(Level.SEVERE, "a request failed outside its handler (answered EIO)", t);
        } catch (Throwable ignored) {
            // keep serving
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
            LOG.warning("cannot run fusermount to unmount " + mountPoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
