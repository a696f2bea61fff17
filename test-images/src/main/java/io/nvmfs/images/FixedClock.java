package io.nvmfs.images;

import io.nvmfs.core.TimeSource;

/** A clock that starts at a fixed instant and advances 1 ms per reading: images come out byte-identical. */
final class FixedClock implements TimeSource {
    private long seconds = 1_767_225_600L; // 2026-01-01T00:00:00Z
    private long nanos;

    @Override
    public synchronized long[] now() {
        nanos += 1_000_000;
        if (nanos >= 1_000_000_000) {
            seconds++;
            nanos -= 1_000_000_000;
        }
        return new long[] {seconds, nanos};
    }
}
