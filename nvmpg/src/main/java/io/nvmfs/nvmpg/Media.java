package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The bytes nvmpg lays out and the {@link Persistence} that makes them durable.
 *
 * <p>Every multi-byte field is little-endian whatever the host. {@link #LONG} is an
 * <em>aligned</em> layout on purpose: an 8-byte commit store must be one aligned store to be
 * atomic across a power failure, and an unaligned one fails here instead of silently tearing.
 */
public record Media(MemorySegment segment, Persistence persistence, MappingMode mode) {
    /** Aligned little-endian 8-byte field. */
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Aligned little-endian 4-byte field. */
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Aligned little-endian 2-byte field. */
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Media {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(mode, "mode");
    }

    /** Media over plain memory (tests, crash images, benchmarks of CPU cost). */
    public static Media ofMemory(MemorySegment segment, Persistence persistence) {
        return new Media(segment, persistence, MappingMode.MEMORY);
    }

    public long size() {
        return segment.byteSize();
    }

    /** Whole pages in the namespace; a trailing partial page is never used. */
    public long pages() {
        return segment.byteSize() >>> Pages.SHIFT;
    }

    long getLong(long offset) {
        return segment.get(LONG, offset);
    }

    void putLong(long offset, long value) {
        segment.set(LONG, offset, value);
    }

    /** Makes the range durable through this media's {@link Persistence}. */
    public void persist(long offset, long length) {
        persistence.persist(offset, length);
    }

    void zero(long offset, long length) {
        segment.asSlice(offset, length).fill((byte) 0);
    }
}
