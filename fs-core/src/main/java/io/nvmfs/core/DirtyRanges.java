package io.nvmfs.core;

import java.util.Arrays;

/**
 * Byte ranges of a file written since they were last persisted, kept sorted and merged. A
 * sequential writer keeps one range, so the write path allocates nothing; past {@link #MAX}
 * ranges the nearest two are merged (persisting a little more is always correct).
 * Guarded by the owning inode's lock.
 */
final class DirtyRanges {
    /** Ranges kept before neighbours are merged; bounds both memory and persist calls per fsync. */
    static final int MAX = 64;
    private long[] start = new long[4];
    private long[] end = new long[4];
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    long start(int i) {
        return start[i];
    }

    long end(int i) {
        return end[i];
    }

    void clear() {
        count = 0;
    }

    /** Adds {@code [from, to)}. */
    void add(long from, long to) {
        if (from >= to) {
            return;
        }
        if (count > 0 && from >= start[count - 1] && from <= end[count - 1]) {
            end[count - 1] = Math.max(end[count - 1], to);
            return;
        }
        int i = 0;
        while (i < count && end[i] < from) {
            i++;
        }
        if (i < count && start[i] <= to) {
            start[i] = Math.min(start[i], from);
            end[i] = Math.max(end[i], to);
            int j = i + 1;
            while (j < count && start[j] <= end[i]) {
                end[i] = Math.max(end[i], end[j]);
                j++;
            }
            int removed = j - i - 1;
            System.arraycopy(start, j, start, i + 1, count - j);
            System.arraycopy(end, j, end, i + 1, count - j);
            count -= removed;
            return;
        }
        if (count == start.length) {
            start = Arrays.copyOf(start, count * 2);
            end = Arrays.copyOf(end, count * 2);
        }
        System.arraycopy(start, i, start, i + 1, count - i);
        System.arraycopy(end, i, end, i + 1, count - i);
        start[i] = from;
        end[i] = to;
        count++;
        if (count > MAX) {
            mergeClosest();
        }
    }

    private void mergeClosest() {
        int best = 0;
        long gap = Long.MAX_VALUE;
        for (int i = 0; i + 1 < count; i++) {
            if (start[i + 1] - end[i] < gap) {
                gap = start[i + 1] - end[i];
                best = i;
            }
        }
        end[best] = end[best + 1];
        System.arraycopy(start, best + 2, start, best + 1, count - best - 2);
        System.arraycopy(end, best + 2, end, best + 1, count - best - 2);
        count--;
    }
}
