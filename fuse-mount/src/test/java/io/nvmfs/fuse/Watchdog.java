package io.nvmfs.fuse;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Guards calls into a FUSE mount that may never return. A request the filesystem never answers
 * leaves its caller in uninterruptible sleep (D state), where no timeout, interrupt or kill
 * reaches it, so one lost request would hang the whole test run. Calls made through
 * {@link #call} are registered while in flight; a scanner thread looks at them every 200 ms, and
 * when one has been in flight longer than the limit it aborts the mount's FUSE connection
 * ({@link Mounted#abortConnection}: every waiting request fails with ENOTCONN, so the stuck
 * callers return). From then on every call through this watchdog, and {@link #close}, fails
 * with the reason: which call, on which thread, for how long.
 *
 * <p>Usable from any number of threads at once; the calls themselves are not serialized.
 */
final class Watchdog implements AutoCloseable {
    /** A call into the mount: anything from one syscall to a whole shell command. */
    @FunctionalInterface
    interface FsCall<T> {
        T call() throws Exception;
    }

    @FunctionalInterface
    interface FsRun {
        void run() throws Exception;
    }

    private record InFlight(String what, long since) {
    }

    private static final long SCAN_MILLIS = 200;

    private final Mounted mount;
    private final Duration limit;
    private final Map<Thread, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    private final Thread scanner;
    /** Why the connection was aborted; null while every call has returned within the limit. */
    private volatile String tripped;

    Watchdog(Mounted mount, Duration limit) throws IOException, InterruptedException {
        this.mount = mount;
        this.limit = limit;
        Mounted.fuseControl(); // mount fusectl now: aborting must not depend on anything that can fail later
        mount.connection();
        this.scanner = Thread.ofPlatform().daemon().name("fuse-watchdog " + mount.mnt).start(this::scan);
    }

    /** Runs {@code c} on this thread; fails with the reason if this or any other guarded call overran. */
    <T> T call(String what, FsCall<T> c) throws Exception {
        failIfTripped(null);
        Thread me = Thread.currentThread();
        inFlight.put(me, new InFlight(what, System.nanoTime()));
        try {
            T result = c.call();
            completed.incrementAndGet();
            return result;
        } catch (Exception | Error e) {
            failIfTripped(e); // the abort is the cause of this failure: report the stuck call instead
            throw e;
        } finally {
            inFlight.remove(me);
        }
    }

    void run(String what, FsRun r) throws Exception {
        call(what, () -> {
            r.run();
            return null;
        });
    }

    /** Guarded calls that returned (normally or with an exception other than the abort's). */
    long completed() {
        return completed.get();
    }

    /** The reason the connection was aborted, or null. */
    String tripped() {
        return tripped;
    }

    private void failIfTripped(Throwable cause) {
        String reason = tripped;
        if (reason != null) {
            throw new AssertionError(reason, cause);
        }
    }

    private void scan() {
        try {
            while (tripped == null) {
                Thread.sleep(SCAN_MILLIS);
                long now = System.nanoTime();
                for (Map.Entry<Thread, InFlight> e : inFlight.entrySet()) {
                    long waited = now - e.getValue().since();
                    if (waited > limit.toNanos()) {
                        trip(e.getKey(), e.getValue(), waited);
                        break;
                    }
                }
            }
        } catch (InterruptedException closed) {
            // close(): stop looking
        }
    }

    private void trip(Thread thread, InFlight call, long waitedNanos) {
        String reason = call.what() + " did not return within " + limit.toSeconds() + " s (in flight "
                + waitedNanos / 1_000_000 + " ms on thread " + thread.getName() + "): a request the filesystem never answered";
        // Set before the abort: the calls it makes fail must find the reason, not just ENOTCONN.
        tripped = reason + "; FUSE connection aborted";
        try {
            mount.abortConnection();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            tripped = reason + "; and aborting the FUSE connection failed (" + e + "): the caller may stay stuck";
        }
    }

    /** Stops the scanner; fails with the reason if the connection had to be aborted. */
    @Override
    public void close() throws InterruptedException {
        scanner.interrupt();
        scanner.join();
        failIfTripped(null);
    }
}
