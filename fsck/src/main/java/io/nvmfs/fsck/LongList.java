package io.nvmfs.fsck;

import java.util.Arrays;

/** A growable long array: fsck's per-record and per-block lists stay 8 bytes an element. */
final class LongList {
    private long[] a;
    private int n;

    LongList() {
        this(64);
    }

    /** A list that holds {@code capacity} elements before it first grows. */
    LongList(int capacity) {
        a = new long[Math.max(capacity, 16)];
    }

    /** Grows by half: with ten million claims the slack of doubling alone would be 80 MiB of a 512 MiB heap. */
    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length + (a.length >> 1));
        }
        a[n++] = v;
    }

    /** Keeps the first {@code size} elements. */
    void truncate(int size) {
        n = Math.min(n, size);
    }

    long get(int i) {
        return a[i];
    }

    void set(int i, long v) {
        a[i] = v;
    }

    void remove(int i) {
        System.arraycopy(a, i + 1, a, i, n - i - 1);
        n--;
    }

    int size() {
        return n;
    }

    void sort() {
        Arrays.sort(a, 0, n);
    }

    /** Index of {@code key} in a sorted list, or a negative insertion point as Arrays.binarySearch gives. */
    int search(long key) {
        return Arrays.binarySearch(a, 0, n, key);
    }

    void clear() {
        n = 0;
    }
}
