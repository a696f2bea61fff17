package io.nvmfs.nvmpg;

/**
 * The one way a store to the namespace becomes durable.
 *
 * <p>Contract: when {@link #persist} returns, every byte in {@code [offset, offset+length)}
 * that was stored before the call is on the media, and no store issued after the call can
 * reach the media before them (the call is also an ordering fence). Nothing else is
 * promised: a store that was never covered by a persist may or may not survive a power
 * failure, independently at 8-byte granularity. Every on-media structure is designed
 * around exactly this, and the test fixture {@code io.nvmfs.nvmpg.crash.RecordingPersistence} (nvmpg's test jar) enumerates it.
 */
public interface Persistence {

    /** Makes {@code [offset, offset+length)} durable; see the class comment for ordering. */
    void persist(long offset, long length);

    /** Persistence that does nothing: volatile memory, or measuring the allocator's own CPU cost. */
    Persistence NONE = (offset, length) -> { };
}
