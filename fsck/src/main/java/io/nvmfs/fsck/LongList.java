package io.nvmfs.fsck;

import java.util.Arrays;

/** A growable long array: fsck's per-record and per-block lists stay 8 bytes an element. */
final class LongList {
    private long[] a = new long[64];
    private int n;

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
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
