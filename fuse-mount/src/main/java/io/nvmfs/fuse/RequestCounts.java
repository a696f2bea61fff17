package io.nvmfs.fuse;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests served since mount, by type, for {@code nvmfs stats}. On the request path this is one
 * lock-free map read (the adder exists after a type's first request) and one {@link LongAdder}
 * increment, which spreads contended increments over cells instead of one CAS-contended word.
 */
final class RequestCounts {
    private final ConcurrentHashMap<String, LongAdder> byType = new ConcurrentHashMap<>();

    void count(String type) {
        LongAdder a = byType.get(type);
        if (a == null) {
            a = byType.computeIfAbsent(type, t -> new LongAdder());
        }
        a.increment();
    }

    /** The counts now, by type name (each read on its own: a snapshot, not an instant). */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        byType.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
