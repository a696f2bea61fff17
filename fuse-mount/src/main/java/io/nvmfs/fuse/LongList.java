package io.nvmfs.fuse;

import java.util.Arrays;

/** A growable list of longs a serving thread reuses (the inodes a READDIRPLUS reply hands the kernel). */
final class LongList {
    private long[] values = new long[64];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    long get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }
}
