package io.nvmfs.core;

import java.time.Instant;

/** Where timestamps come from; tests substitute a fake clock. */
@FunctionalInterface
public interface TimeSource {
    /** Now as {seconds, nanoseconds}. */
    long[] now();

    /** Now in whole seconds (what relatime needs on every read; the system clock answers without allocating). */
    default long seconds() {
        return now()[0];
    }

    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long[] now() {
            Instant i = Instant.now();
            return new long[] {i.getEpochSecond(), i.getNano()};
        }

        @Override
        public long seconds() {
            return System.currentTimeMillis() / 1000;
        }
    };
}
