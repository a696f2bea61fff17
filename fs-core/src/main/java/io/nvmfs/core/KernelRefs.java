package io.nvmfs.core;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many references the kernel holds on each inode: FUSE counts one per entry nvmfs replies
 * (lookup, create, mkdir, mknod, symlink, link) and gives them back with FORGET.
 *
 * <p>Invariant: an inode the kernel holds is never freed, so its number is never reused under
 * it. A file whose last name goes (unlink, rename over it) while the kernel still holds it keeps
 * its record, with nlink 0, until both its last open handle and the kernel's last reference are
 * gone — as an open file already did. Otherwise a process that had looked the name up just
 * before a rename replaced it would open a freed inode, or a new file that got its number; the
 * kernel then sees a different generation behind the same node id and marks the inode bad
 * (EIO on read and close). A crash leaves such inodes as orphans, which attach clears.
 */
final class KernelRefs {
    private final ConcurrentHashMap<Long, Long> counts = new ConcurrentHashMap<>();

    void add(long ino) {
        counts.merge(ino, 1L, Long::sum);
    }

    /** Gives back {@code n} references; true when the kernel holds the inode no more. */
    boolean drop(long ino, long n) {
        Long left = counts.computeIfPresent(ino, (k, v) -> v - n > 0 ? v - n : null);
        return left == null;
    }

    boolean held(long ino) {
        return counts.containsKey(ino);
    }

    /** Inodes held now (for the clean detach, which frees the unlinked ones). */
    long[] heldInodes() {
        return counts.keySet().stream().mapToLong(Long::longValue).toArray();
    }
}
