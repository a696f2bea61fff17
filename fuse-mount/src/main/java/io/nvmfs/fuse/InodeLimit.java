package io.nvmfs.fuse;

import io.nvmfs.core.InodeTable;
import java.util.Locale;

/**
 * The inode limit as {@code info} and {@code mkfs} state it. The inode table is not sized at
 * mkfs: it starts with one chunk and grows by chunks as inodes are used, up to the format's 496
 * chunks (fs-core/FORMAT.md), whatever the namespace's size. So every filesystem reports the
 * same total to {@code df -i} until free space, not the format, becomes the bound.
 */
final class InodeLimit {
    /** Inode numbers the format has, less inode 0, which is never used. */
    static final long INODES = InodeTable.maxInodes() - 1;

    private InodeLimit() {}

    /** "table grows on demand up to 2,002,927" */
    static String growth() {
        return String.format(Locale.ROOT, "table grows on demand up to %,d", INODES);
    }
}
