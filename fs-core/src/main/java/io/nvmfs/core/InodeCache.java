package io.nvmfs.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded inodes in DRAM. Pinned inodes (open, or holding changes the media lacks) live in a
 * map and are never evicted; the rest live in a Caffeine cache bounded by an estimate of their
 * bytes (a directory's index dominates). Eviction only drops a copy of what is on the media.
 *
 * <p>Every method is called with the inode's {@link InodeLocks} stripe held, so two threads never
 * load two copies of one inode that both matter: whoever holds the stripe uses the copy it got.
 */
final class InodeCache {
    /** Estimated bytes of an inode object (its directory index, if any, is measured). */
    private static final int INODE_WEIGHT = 400;

    private final ConcurrentHashMap<Long, Inode> pinned = new ConcurrentHashMap<>();
    private final Cache<Long, Inode> cache;

    InodeCache(long maxBytes) {
        cache = Caffeine.newBuilder()
                // Maintenance (eviction, buffer drains) on the calling thread: the default hands it
                // to the common pool, one thread wake-up per few cache writes on every metadata call.
                .executor(Runnable::run)
                .maximumWeight(Math.max(maxBytes, 1 << 20))
                .weigher((Long k, Inode n) -> (int) Math.min(Integer.MAX_VALUE,
                        INODE_WEIGHT + (n.directory == null ? 0 : n.directory.bytes())))
                .build();
    }

    /** Inodes held in DRAM, pinned and cached (an estimate: the cache counts lazily). */
    long entries() {
        return pinned.size() + cache.estimatedSize();
    }

    /** Estimated bytes of the evictable cache, what cache_size bounds. */
    long weightedBytes() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /** The cached copy of {@code ino}, or null. */
    Inode get(long ino) {
        Inode n = pinned.get(ino);
        return n != null ? n : cache.getIfPresent(ino);
    }

    /** Files a freshly loaded or changed inode where it belongs (pinned or cached). */
    void put(Inode n) {
        if (n.pinned()) {
            pinned.put(n.ino, n);
            cache.invalidate(n.ino);
        } else {
            pinned.remove(n.ino);
            cache.put(n.ino, n);
        }
    }

    void remove(long ino) {
        pinned.remove(ino);
        cache.invalidate(ino);
    }

    /** Pinned inodes (for the flusher and detach). A snapshot; each must be locked before use. */
    Collection<Inode> pinnedSnapshot() {
        return java.util.List.copyOf(pinned.values());
    }
}
