package io.nvmfs.nvmpg.crash;

import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A {@link Persistence} that keeps, beside the live image the program writes, the image that
 * is durable: the bytes a power failure at this instant is certain to leave. {@link #persist}
 * copies its range from the live image into the durable one, exactly as the contract of
 * {@link Persistence} says a persist makes a range durable.
 *
 * <p>At every persist point the listener sees a {@link CrashState}: the durable image plus
 * every 8-byte word whose live value has not been persisted yet. A real power failure leaves
 * the durable image with any subset of those words applied (stores reach the media in any
 * order, at 8-byte granularity), and {@link CrashState} builds any such image. Because the
 * shadow is maintained by persist alone, stores need no instrumentation: the data path writes
 * the live segment directly, as it would on real persistent memory.
 *
 * <p>Single-threaded: crash workloads run on one thread so the persist order is the program order.
 */
public final class RecordingPersistence implements Persistence {
    /** Called before each persist takes effect, with the crash state just before it. */
    @FunctionalInterface
    public interface Listener {
        void atPersistPoint(int persistIndex, CrashState state);
    }

    private final MemorySegment live;
    private final MemorySegment durable;
    private Listener listener;
    private int persistCount;

    /**
     * @param live    the image the code under test writes
     * @param durable the shadow, same size, holding what is durable now (usually a copy of live)
     */
    public RecordingPersistence(MemorySegment live, MemorySegment durable) {
        this.live = Objects.requireNonNull(live, "live");
        this.durable = Objects.requireNonNull(durable, "durable");
        if (live.byteSize() != durable.byteSize()) {
            throw new IllegalArgumentException("live and durable images differ in size: "
                    + live.byteSize() + " vs " + durable.byteSize());
        }
    }

    /** A live image of {@code size} zero bytes with its all-zero durable shadow, both in {@code arena}. */
    public static RecordingPersistence ofZeroImage(Arena arena, long size) {
        return new RecordingPersistence(arena.allocate(size, 4096), arena.allocate(size, 4096));
    }

    public MemorySegment live() {
        return live;
    }

    public MemorySegment durable() {
        return durable;
    }

    /** Sets (or, with null, clears) the listener for the following persist points. */
    public void listen(Listener listener) {
        this.listener = listener;
    }

    /** Persist calls so far. */
    public int persistCount() {
        return persistCount;
    }

    @Override
    public void persist(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, live.byteSize());
        Listener l = listener;
        if (l != null) {
            l.atPersistPoint(persistCount, snapshot());
        }
        MemorySegment.copy(live, offset, durable, offset, length);
        persistCount++;
    }

    /** The crash state now: durable image plus the words stored but not yet persisted. */
    public CrashState snapshot() {
        long[] offsets = new long[16];
        long[] values = new long[16];
        int n = 0;
        long size = live.byteSize();
        long pos = 0;
        while (pos < size) {
            long m = MemorySegment.mismatch(live, pos, size, durable, pos, size);
            if (m < 0) {
                break;
            }
            long word = (pos + m) & ~7L;
            if (n == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, n * 2);
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            offsets[n] = word;
            values[n] = live.get(ValueLayout.JAVA_LONG_UNALIGNED, word);
            n++;
            pos = word + 8;
        }
        return new CrashState(durable, java.util.Arrays.copyOf(offsets, n), java.util.Arrays.copyOf(values, n));
    }
}
