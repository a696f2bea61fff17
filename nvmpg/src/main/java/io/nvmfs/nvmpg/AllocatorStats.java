package io.nvmfs.nvmpg;

import java.util.List;
import java.util.Map;

/**
 * A consistent snapshot of the allocator, for {@code nvmfs info} and {@code statfs}.
 *
 * @param totalPages      pages in the namespace
 * @param usablePages     pages the buddy manages (total less the fixed pages)
 * @param freePages       pages in free blocks
 * @param freeBlocks      free blocks per order, index = order (like /proc/buddyinfo)
 * @param ownerPages      pages held per owner, record pages under nvmpg's own owner
 * @param recordPages     record pages in all chains
 * @param dramBytes       heap bytes held by the allocator's DRAM structures
 */
public record AllocatorStats(long totalPages, long usablePages, long freePages, List<Integer> freeBlocks,
                             Map<Owner, Long> ownerPages, int recordPages, long dramBytes) {
    /** Largest order with a free block, or -1. */
    public int largestFreeOrder() {
        for (int k = freeBlocks.size() - 1; k >= 0; k--) {
            if (freeBlocks.get(k) > 0) {
                return k;
            }
        }
        return -1;
    }
}
