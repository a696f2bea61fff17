package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;

/**
 * Persistence for a file mapping. {@link MemorySegment#force()} on a MAP_SYNC mapping writes
 * back the covered cache lines and fences (JEP 352); on an ordinary mapping it is an msync of
 * the covering pages. Either way it returns only when the range is durable.
 */
final class MappedPersistence implements Persistence {
    private final MemorySegment segment;

    MappedPersistence(MemorySegment segment) {
        this.segment = segment;
    }

    @Override
    public void persist(long offset, long length) {
        segment.asSlice(offset, length).force();
    }
}
