package io.nvmfs.fuse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a mount's requests reach it, for {@code nvmfs stats}: /dev/fuse, or io_uring with the
 * queues that started, and the requests served through the rings (the rest, forgets and
 * interrupts, and everything before the rings were registered, came through /dev/fuse).
 */
final class Transport {
    private final boolean ringAsked;
    private final int depth;
    private final LongAdder ringRequests = new LongAdder();
    private final ConcurrentHashMap<Integer, String> queues = new ConcurrentHashMap<>();
    private volatile String notUsed;

    Transport(boolean ringAsked, int depth) {
        this.ringAsked = ringAsked;
        this.depth = depth;
    }

    /** io_uring was asked for and nothing found so far stands against it. */
    boolean ringUsable() {
        return ringAsked && notUsed == null;
    }

    void ringRequest() {
        ringRequests.increment();
    }

    long ringRequests() {
        return ringRequests.sum();
    }

    void queueStarted(int qid) {
        queues.put(qid, "serving");
    }

    void queueFailed(int qid, String why) {
        queues.put(qid, "failed: " + why);
    }

    /** io_uring was asked for and is not used, for {@code why}. */
    void ringNotUsed(String why) {
        notUsed = why;
    }

    /** One line: {@code /dev/fuse}, {@code io_uring, 2 queues of 8 entries, 1234 requests}, or why not io_uring. */
    String describe() {
        if (!ringAsked) {
            return "/dev/fuse";
        }
        if (notUsed != null) {
            return "/dev/fuse (io_uring asked: " + notUsed + ")";
        }
        long serving = queues.values().stream().filter("serving"::equals).count();
        String failed = queues.entrySet().stream().filter(e -> !e.getValue().equals("serving"))
                .map(e -> "queue " + e.getKey() + " " + e.getValue()).reduce((a, b) -> a + "; " + b).orElse("");
        return "io_uring, " + serving + " queues of " + depth + " entries, " + ringRequests() + " requests"
                + (failed.isEmpty() ? "" : " (" + failed + ")");
    }
}
