package io.nvmfs.core;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Per-inode read/write locks, striped by inode number so that they do not depend on which
 * DRAM copy of an inode is cached. Lock order: stripes in ascending index; an operation that
 * needs several inodes takes them all at once through {@link #writeAll}, which sorts and
 * de-duplicates, so no two operations can wait on each other in a cycle.
 */
final class InodeLocks {
    /** Stripes; a power of two. 4096 makes two busy inodes sharing a stripe unlikely. */
    static final int STRIPES = 4096;
    private final ReentrantReadWriteLock[] locks = new ReentrantReadWriteLock[STRIPES];

    InodeLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
    }

    ReentrantReadWriteLock of(long ino) {
        return locks[stripe(ino)];
    }

    private static int stripe(long ino) {
        long h = ino * 0x9e3779b97f4a7c15L;
        return (int) (h >>> 52) & (STRIPES - 1);
    }

    /** Write-locks every inode given (0 entries are ignored); returns a handle that unlocks them. */
    Held writeAll(long... inos) {
        int[] s = new int[inos.length];
        int n = 0;
        for (long ino : inos) {
            if (ino != 0) {
                s[n++] = stripe(ino);
            }
        }
        s = Arrays.copyOf(s, n);
        Arrays.sort(s);
        int m = 0;
        for (int i = 0; i < s.length; i++) {
            if (m == 0 || s[m - 1] != s[i]) {
                s[m++] = s[i];
            }
        }
        int[] held = Arrays.copyOf(s, m);
        for (int st : held) {
            locks[st].writeLock().lock();
        }
        return new Held(held);
    }

    /** Locks taken by {@link #writeAll}. */
    final class Held implements AutoCloseable {
        private final int[] stripes;

        private Held(int[] stripes) {
            this.stripes = stripes;
        }

        @Override
        public void close() {
            for (int i = stripes.length - 1; i >= 0; i--) {
                locks[stripes[i]].writeLock().unlock();
            }
        }
    }
}
