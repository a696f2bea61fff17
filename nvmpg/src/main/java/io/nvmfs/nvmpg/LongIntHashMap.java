package io.nvmfs.nvmpg;

import java.util.Arrays;

/**
 * Open-addressing map from non-negative long keys to int values (linear probing,
 * backward-shift deletion). The allocation index: first page of a block to the slot that
 * records it, 12 bytes per entry at full load instead of ~80 for {@code HashMap<Long,Integer>}.
 *
 * <p>Not thread-safe; {@link NvmPages} guards it with its lock.
 */
final class LongIntHashMap {
    private static final long EMPTY = -1L;
    private static final int MIN_CAPACITY = 16;

    /** Keys; EMPTY marks a free slot. Length is a power of two; load stays at most 3/4. */
    private long[] keys;
    /** values[i] belongs to keys[i]. */
    private int[] values;
    private int size;

    LongIntHashMap() {
        keys = newKeys(MIN_CAPACITY);
        values = new int[MIN_CAPACITY];
    }

    /** Pre-sizes for {@code expected} entries (used at attach, where the count is known). */
    LongIntHashMap(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L < expected * 4L) {
            capacity *= 2;
        }
        keys = newKeys(capacity);
        values = new int[capacity];
    }

    int size() {
        return size;
    }

    /** Value for {@code key}, or {@code missing}. */
    int get(long key, int missing) {
        int mask = keys.length - 1;
        for (int i = LongHashSet.slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == EMPTY) {
                return missing;
            }
            if (k == key) {
                return values[i];
            }
        }
    }

    /** Inserts when absent and returns {@code missing}; otherwise leaves the map alone and returns the present value. */
    int putIfAbsent(long key, int value, int missing) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        if ((size + 1) * 4L > keys.length * 3L) {
            rehash(keys.length * 2);
        }
        int mask = keys.length - 1;
        for (int i = LongHashSet.slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return missing;
            }
            if (k == key) {
                return values[i];
            }
        }
    }

    /** Removes {@code key}; returns its value or {@code missing}. */
    int remove(long key, int missing) {
        int mask = keys.length - 1;
        for (int i = LongHashSet.slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == EMPTY) {
                return missing;
            }
            if (k == key) {
                int v = values[i];
                deleteAt(i);
                return v;
            }
        }
    }

    long dramBytes() {
        return 32L + 12L * keys.length;
    }

    private void deleteAt(int hole) {
        int mask = keys.length - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long k = keys[i];
            if (k == EMPTY) {
                break;
            }
            int home = LongHashSet.slot(k, mask);
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                keys[hole] = k;
                values[hole] = values[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        size--;
        if (keys.length > MIN_CAPACITY && size * 8L < keys.length) {
            rehash(keys.length / 2);
        }
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = newKeys(capacity);
        values = new int[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != EMPTY) {
                int i = LongHashSet.slot(k, mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[j];
            }
        }
    }

    private static long[] newKeys(int capacity) {
        long[] t = new long[capacity];
        Arrays.fill(t, EMPTY);
        return t;
    }
}
