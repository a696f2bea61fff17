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
    /**
     * Unlinked inodes nothing holds open, kept only for the kernel. The kernel forgets such an
     * inode as soon as the call that dropped its last name has returned (an inode with no link is
     * evicted at once), so its FORGET is already queued while the next request — statfs after
     * rm — may be served first on another thread. Guarded by itself.
     */
    private final java.util.Map<Long, Long> awaitingForget = new java.util.HashMap<>(); // ino -> nanoTime added

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

    /** {@code ino} lost its last name, nothing has it open, and the kernel's FORGET will free it. */
    void awaitForget(long ino) {
        synchronized (awaitingForget) {
            awaitingForget.put(ino, System.nanoTime());
        }
    }

    /** {@code ino} is gone (or opened again): no longer waited for. */
    void settled(long ino) {
        synchronized (awaitingForget) {
            if (awaitingForget.remove(ino) != null) {
                awaitingForget.notifyAll();
            }
        }
    }

    /**
     * Waits until every unlinked inode kept only for the kernel since less than {@code millis} has
     * been forgotten and freed (at most that long): so the space an {@code rm} gave back shows in
     * the statfs that follows it, as on a local filesystem, although the kernel's FORGET is served
     * on another thread. One the kernel keeps for longer (an O_PATH descriptor) delays nothing.
     */
    void awaitForgotten(long millis) throws InterruptedException {
        long window = millis * 1_000_000;
        synchronized (awaitingForget) {
            while (true) {
                long now = System.nanoTime();
                long youngest = Long.MIN_VALUE;
                for (long added : awaitingForget.values()) {
                    youngest = Math.max(youngest, added);
                }
                long left = youngest == Long.MIN_VALUE ? 0 : youngest + window - now;
                if (left <= 0) {
                    return;
                }
                awaitingForget.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Inodes held now (for the clean detach, which frees the unlinked ones). */
    long[] heldInodes() {
        return counts.keySet().stream().mapToLong(Long::longValue).toArray();
    }
}
