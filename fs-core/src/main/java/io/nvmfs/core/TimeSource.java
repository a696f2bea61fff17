package io.nvmfs.core;

import java.time.Instant;

/** Where timestamps come from; tests substitute a fake clock. */
@FunctionalInterface
public interface TimeSource {
    /** Now as {seconds, nanoseconds}. */
    long[] now();

    TimeSource SYSTEM = () -> {
        Instant i = Instant.now();
        return new long[] {i.getEpochSecond(), i.getNano()};
    };
}
