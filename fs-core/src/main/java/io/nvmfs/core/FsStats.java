package io.nvmfs.core;

import java.util.List;

/**
 * A live snapshot of an attached filesystem for {@code nvmfs stats}: each figure is read under
 * its own structure's lock or none, so together they are not one instant, only each consistent.
 *
 * @param readOnlyReason    null when read-write; else why not (mounted ro, or turned ro after an error)
 * @param journalUsedBytes  bytes of the journal between its tail and head (not yet checkpointed)
 * @param journalBytes      the journal's capacity
 * @param freePages         free pages of the namespace
 * @param freeBlocksPerOrder free blocks per buddy order, index = order
 * @param cachedInodes      inodes in DRAM (pinned and cached)
 * @param cacheBytes        estimated bytes of the evictable inode cache (bounded by cache_size)
 */
public record FsStats(String readOnlyReason, long journalUsedBytes, long journalBytes, long freePages,
                      List<Integer> freeBlocksPerOrder, long cachedInodes, long cacheBytes) {
}
