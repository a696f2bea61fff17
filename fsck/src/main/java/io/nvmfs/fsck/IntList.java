package io.nvmfs.fsck;

import java.util.Arrays;

/** A growable int array. */
final class IntList {
    private int[] a = new int[64];
    private int n;

    void add(int v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    int get(int i) {
        return a[i];
    }

    void set(int i, int v) {
        a[i] = v;
    }

    int size() {
        return n;
    }
}
