package io.nvmfs.nvmpg;

import java.util.Arrays;

/**
 * The allocation index: first page of a block to the slot reference of its record, in 4 bytes
 * per table slot. The key is not stored: it is the page field of the record word the
 * reference points at, read from the media when probing. A separate long key would triple the
 * size (measured: 24 MiB against 8 MiB per million records), and the word is already there.
 *
 * <p>Invariant that makes this sound: while a reference is in the table, its slot holds the
 * record word of that block. Callers therefore store the word before {@link #put} and
 * {@link #remove} before clearing or rewriting it, all under the {@link NvmPages} lock.
 * Open addressing, linear probing, backward-shift deletion, load at most 3/4.
 */
final class RecordIndex {
    static final int NONE = RecordPages.NONE;
    private static final int MIN_CAPACITY = 16;

    private final Media media;
    private final RecordPages pages;
    /** Slot references, NONE for an empty table slot. Length is a power of two. */
    private int[] table = newTable(MIN_CAPACITY);
    private int size;

    RecordIndex(Media media, RecordPages pages) {
        this.media = media;
        this.pages = pages;
    }

    int size() {
        return size;
    }

    /** Reference of the record of the block starting at {@code page}, or NONE. */
    int get(long page) {
        int i = find(page);
        return i < 0 ? NONE : table[i];
    }

    /**
     * Adds {@code ref}, whose slot must already hold the record of the block at {@code page}.
     * Returns NONE, or the reference already indexed under {@code page} (then nothing changes).
     */
    int putIfAbsent(long page, int ref) {
        if ((size + 1) * 4L > table.length * 3L) {
            rehash(table.length * 2);
        }
        int mask = table.length - 1;
        for (int i = Mix.slot(page, mask); ; i = (i + 1) & mask) {
            int present = table[i];
            if (present == NONE) {
                table[i] = ref;
                size++;
                return NONE;
            }
            if (keyOf(present) == page) {
                return present;
            }
        }
    }

    /** Removes the entry for {@code page} (its slot must still hold the record); returns its reference or NONE. */
    int remove(long page) {
        int i = find(page);
        if (i < 0) {
            return NONE;
        }
        int ref = table[i];
        deleteAt(i);
        return ref;
    }

    /** Table index of the entry for {@code page}, or -1. */
    private int find(long page) {
        int mask = table.length - 1;
        for (int i = Mix.slot(page, mask); ; i = (i + 1) & mask) {
            int ref = table[i];
            if (ref == NONE) {
                return -1;
            }
            if (keyOf(ref) == page) {
                return i;
            }
        }
    }

    long dramBytes() {
        return 16L + 4L * table.length;
    }

    private long keyOf(int ref) {
        return RecordWord.page(media.getLong(RecordPageFormat.slotOffset(pages.pageOf(ref).page, RecordPages.slotOf(ref))));
    }

    private void deleteAt(int hole) {
        int mask = table.length - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            int ref = table[i];
            if (ref == NONE) {
                break;
            }
            if (Mix.canFill(hole, i, Mix.slot(keyOf(ref), mask))) {
                table[hole] = ref;
                hole = i;
            }
        }
        table[hole] = NONE;
        size--;
        if (table.length > MIN_CAPACITY && size * 8L < table.length) {
            rehash(table.length / 2);
        }
    }

    private void rehash(int capacity) {
        int[] old = table;
        table = newTable(capacity);
        int mask = capacity - 1;
        for (int ref : old) {
            if (ref != NONE) {
                int i = Mix.slot(keyOf(ref), mask);
                while (table[i] != NONE) {
                    i = (i + 1) & mask;
                }
                table[i] = ref;
            }
        }
    }

    private static int[] newTable(int capacity) {
        int[] t = new int[capacity];
        Arrays.fill(t, NONE);
        return t;
    }
}
