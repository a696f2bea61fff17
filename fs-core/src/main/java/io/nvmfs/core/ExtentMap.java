package io.nvmfs.core;

import java.util.Arrays;

/**
 * A file's extents in DRAM: non-overlapping blocks sorted by logical page. Extent i maps logical
 * pages {@code [logical[i], logical[i] + 2^order[i])} to physical pages starting at {@code physical[i]}.
 * Lookup is a binary search; guarded by the owning inode's lock.
 */
final class ExtentMap {
    private long[] logical = new long[4];
    private long[] physical = new long[4];
    private byte[] order = new byte[4];
    private int count;
    /**
     * Logical starts of the extents inserted or removed since the media last matched this map
     * ({@link #markWritten}): every extent starting outside {@code [changedLo, changedHi]} is as
     * the media has it. Empty when {@code changedLo > changedHi}.
     */
    private long changedLo = Long.MAX_VALUE;
    private long changedHi = Long.MIN_VALUE;
    /** Sum of the extents' pages, kept with every insert and remove (st_blocks reads it at each commit). */
    private long pages;
    /**
     * While an operation may still fail ({@link #beginUndo}): its inserts and removes, oldest
     * first, so {@link #rollBack} can put the map back in the time of the change, not of the map
     * (a punch in a file of 12,800 extents copied all of them before).
     */
    private final UndoLog undo = new UndoLog();

    int count() {
        return count;
    }

    /** An independent copy (to put back when an operation fails). */
    ExtentMap copy() {
        ExtentMap c = new ExtentMap();
        c.setTo(this);
        return c;
    }

    /** Makes this map equal to {@code other}. */
    void setTo(ExtentMap other) {
        logical = Arrays.copyOf(other.logical, Math.max(4, other.count));
        physical = Arrays.copyOf(other.physical, Math.max(4, other.count));
        order = Arrays.copyOf(other.order, Math.max(4, other.count));
        count = other.count;
        changedLo = other.changedLo;
        changedHi = other.changedHi;
        pages = other.pages;
    }

    /** Starts recording the inserts and removes an operation makes, to undo them if it fails. */
    void beginUndo() {
        undo.begin(changedLo, changedHi);
    }

    /** The operation succeeded: what it changed stays, and the record of it goes. */
    void endUndo() {
        undo.end();
    }

    /** Whether {@link #beginUndo} is in effect. */
    boolean undoing() {
        return undo.active;
    }

    /**
     * The blocks of extents inserted since {@link #beginUndo} that are still in the map, as
     * {physical, order} pairs: what a failed operation allocated, unless a roll-back gives the
     * same block back to an extent it removed (a split's kept pieces).
     */
    java.util.List<long[]> insertedSinceBegin() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (int k = 0; k < undo.size; k++) {
            if (undo.inserted[k]) {
                int i = find(undo.logical[k]);
                if (i >= 0 && logical[i] == undo.logical[k] && physical[i] == undo.physical[k] && order[i] == undo.order[k]) {
                    out.add(new long[] {physical[i], order[i]});
                }
            }
        }
        return out;
    }

    /** Undoes every insert and remove since {@link #beginUndo}, newest first, and ends the recording. */
    void rollBack() {
        UndoLog u = undo;
        u.active = false;
        for (int k = u.size - 1; k >= 0; k--) {
            if (u.inserted[k]) {
                remove(floor(u.logical[k]));
            } else {
                insert(u.logical[k], u.physical[k], u.order[k]);
            }
        }
        changedLo = u.changedLo;
        changedHi = u.changedHi;
        u.end();
    }

    /** Lowest logical start inserted or removed since {@link #markWritten}; Long.MAX_VALUE if none. */
    long changedLo() {
        return changedLo;
    }

    /** Highest logical start inserted or removed since {@link #markWritten}; Long.MIN_VALUE if none. */
    long changedHi() {
        return changedHi;
    }

    /** The media now holds exactly this map. */
    void markWritten() {
        changedLo = Long.MAX_VALUE;
        changedHi = Long.MIN_VALUE;
    }

    private void noteChange(long logicalPage) {
        changedLo = Math.min(changedLo, logicalPage);
        changedHi = Math.max(changedHi, logicalPage);
    }

    /** Whether some extent's block contains physical page {@code page} (a linear scan: failure paths only). */
    boolean holdsPhysical(long page) {
        for (int i = 0; i < count; i++) {
            if (page >= physical[i] && page < physical[i] + (1L << order[i])) {
                return true;
            }
        }
        return false;
    }

    long logical(int i) {
        return logical[i];
    }

    long physical(int i) {
        return physical[i];
    }

    int order(int i) {
        return order[i];
    }

    long end(int i) {
        return logical[i] + (1L << order[i]);
    }

    /** Index of the extent containing logical page {@code page}, or -1. */
    int find(long page) {
        int i = floor(page);
        return i >= 0 && page < end(i) ? i : -1;
    }

    /** Index of the last extent starting at or before {@code page}, or -1. */
    int floor(long page) {
        int lo = 0;
        int hi = count - 1;
        int best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (logical[mid] <= page) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    /** Index of the first extent starting at or after logical page {@code page} ({@link #count} if none). */
    int ceilingIndex(long page) {
        int i = floor(page);
        return i >= 0 && logical[i] == page ? i : i + 1;
    }

    /** First logical page at or after {@code page} that some extent starts at, or Long.MAX_VALUE. */
    long nextStart(long page) {
        int i = Math.max(0, floor(page));
        while (i < count && logical[i] < page) {
            i++;
        }
        return i < count ? logical[i] : Long.MAX_VALUE;
    }

    /** Inserts an extent that overlaps no other; returns its index. */
    int insert(long logicalPage, long physicalPage, int ord) {
        int at = floor(logicalPage) + 1;
        noteChange(logicalPage);
        undo.record(true, logicalPage, physicalPage, ord);
        pages += 1L << ord;
        if (count == logical.length) {
            int n = count * 2;
            logical = Arrays.copyOf(logical, n);
            physical = Arrays.copyOf(physical, n);
            order = Arrays.copyOf(order, n);
        }
        System.arraycopy(logical, at, logical, at + 1, count - at);
        System.arraycopy(physical, at, physical, at + 1, count - at);
        System.arraycopy(order, at, order, at + 1, count - at);
        logical[at] = logicalPage;
        physical[at] = physicalPage;
        order[at] = (byte) ord;
        count++;
        return at;
    }

    void remove(int i) {
        noteChange(logical[i]);
        undo.record(false, logical[i], physical[i], order[i]);
        pages -= 1L << order[i];
        System.arraycopy(logical, i + 1, logical, i, count - i - 1);
        System.arraycopy(physical, i + 1, physical, i, count - i - 1);
        System.arraycopy(order, i + 1, order, i, count - i - 1);
        count--;
    }

    /** Pages mapped by all extents. */
    long pages() {
        return pages;
    }

    /** The inserts and removes of one operation in flight; reused, so recording allocates only to grow. */
    private static final class UndoLog {
        boolean active;
        int size;
        long[] logical = new long[8];
        long[] physical = new long[8];
        byte[] order = new byte[8];
        boolean[] inserted = new boolean[8];
        long changedLo;
        long changedHi;

        void begin(long lo, long hi) {
            active = true;
            size = 0;
            changedLo = lo;
            changedHi = hi;
        }

        void end() {
            active = false;
            size = 0;
            if (logical.length > 64) { // a large truncate's record is not kept for the inode's life
                logical = new long[8];
                physical = new long[8];
                order = new byte[8];
                inserted = new boolean[8];
            }
        }

        void record(boolean insert, long l, long p, int o) {
            if (!active) {
                return;
            }
            if (size == logical.length) {
                int n = size * 2;
                logical = Arrays.copyOf(logical, n);
                physical = Arrays.copyOf(physical, n);
                order = Arrays.copyOf(order, n);
                inserted = Arrays.copyOf(inserted, n);
            }
            logical[size] = l;
            physical[size] = p;
            order[size] = (byte) o;
            inserted[size] = insert;
            size++;
        }
    }
}
