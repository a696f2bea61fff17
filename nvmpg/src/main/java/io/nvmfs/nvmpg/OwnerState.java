package io.nvmfs.nvmpg;

/** DRAM state of a live owner. Guarded by the {@link NvmPages} lock. */
final class OwnerState {
    final Owner owner;
    /** First page of the on-media chain (what the head word points to), or null. */
    RecordPage chainHead;
    /** First page with a free slot, or null. */
    RecordPage partialHead;
    /** Record pages with no record; at most one is kept as a spare to avoid link/unlink churn. */
    int emptyPages;
    /** Pages held through records (record pages themselves count for the allocator owner). */
    long pages;
    /** Records held. */
    long records;

    OwnerState(Owner owner) {
        this.owner = owner;
    }
}
