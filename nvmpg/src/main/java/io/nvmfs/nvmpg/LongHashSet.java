package io.nvmfs.nvmpg;

import java.util.Arrays;

/**
 * Open-addressing set of non-negative longs (linear probing, backward-shift deletion, no
 * tombstones) that can also remove "any" element cheaply. One per buddy order; costs about
 * 11-21 bytes per element, against ~48 for a boxed {@code HashSet<Long>}.
 *
 * <p>Not thread-safe; {@link NvmPages} guards it with its lock.
 */
final class LongHashSet {
    private static final long EMPTY = -1L;
    private static final int MIN_CAPACITY = 8;

    /** Slots; EMPTY or an element. Length is a power of two; load stays at most 3/4. */
    private long[] table;
    private int size;
    /** Where {@link #removeAny} resumes scanning, so repeated removals do not rescan the front. */
    private int cursor;

    LongHashSet() {
        table = newTable(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code key} (must be non-negative); returns false if it was already present. */
    boolean add(long key) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        if ((size + 1) * 4L > table.length * 3L) {
            rehash(table.length * 2);
        }
        int mask = table.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = table[i];
            if (k == EMPTY) {
                table[i] = key;
                size++;
                return true;
            }
            if (k == key) {
                return false;
            }
        }
    }

    boolean remove(long key) {
        int i = find(key);
        if (i < 0) {
            return false;
        }
        deleteAt(i);
        return true;
    }

    /** Table index of {@code key}, or -1. */
    private int find(long key) {
        int mask = table.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = table[i];
            if (k == EMPTY) {
                return -1;
            }
            if (k == key) {
                return i;
            }
        }
    }

    /** Removes and returns some element, or -1 when empty. */
    long removeAny() {
        if (size == 0) {
            return EMPTY;
        }
        int mask = table.length - 1;
        int i = cursor & mask;
        while (table[i] == EMPTY) {
            i = (i + 1) & mask;
        }
        long key = table[i];
        deleteAt(i);
        cursor = i;
        return key;
    }

    long[] toSortedArray() {
        long[] out = new long[size];
        int n = 0;
        for (long k : table) {
            if (k != EMPTY) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** Bytes of heap this set holds. */
    long dramBytes() {
        return 16L + 8L * table.length;
    }

    private void deleteAt(int hole) {
        int mask = table.length - 1;
        // Backward shift: move later members of the probe run into the hole when their home allows it.
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long k = table[i];
            if (k == EMPTY) {
                break;
            }
            if (Mix.canFill(hole, i, slot(k, mask))) {
                table[hole] = k;
                hole = i;
            }
        }
        table[hole] = EMPTY;
        size--;
        if (table.length > MIN_CAPACITY && size * 8L < table.length) {
            rehash(table.length / 2);
        }
    }

    private void rehash(int capacity) {
        long[] old = table;
        table = newTable(capacity);
        int mask = capacity - 1;
        for (long k : old) {
            if (k != EMPTY) {
                int i = slot(k, mask);
                while (table[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i] = k;
            }
        }
        cursor = 0;
    }

    private static long[] newTable(int capacity) {
        long[] t = new long[capacity];
        Arrays.fill(t, EMPTY);
        return t;
    }

    static int slot(long key, int mask) {
        return Mix.slot(key, mask);
    }
}
