package io.nvmfs.nvmpg;

/**
 * Decomposes a page range into the fewest naturally aligned power-of-two blocks. Public because
 * an owner that is about to {@link NvmPages#release} part of a block must know, before the
 * release, exactly which blocks it will keep (it commits them first); this is that function.
 */
public final class AlignedBlocks {
    @FunctionalInterface
    public interface BlockConsumer {
        void accept(long page, int order);
    }

    private AlignedBlocks() {}

    /**
     * Calls {@code out} for each block of the greedy decomposition of {@code [start, end)}:
     * at each step the largest block that starts here, is aligned to its size, fits, and does
     * not exceed {@link Pages#MAX_ORDER}. At most 2 * 64 blocks for any range.
     */
    public static void forEach(long start, long end, BlockConsumer out) {
        long page = start;
        while (page < end) {
            int alignOrder = page == 0 ? Pages.MAX_ORDER : Long.numberOfTrailingZeros(page);
            int fitOrder = 63 - Long.numberOfLeadingZeros(end - page);
            int order = Math.min(Math.min(alignOrder, fitOrder), Pages.MAX_ORDER);
            out.accept(page, order);
            page += 1L << order;
        }
    }

    /** The decomposition of {@code [start, end)} as a list, in address order. */
    public static java.util.List<Block> of(long start, long end) {
        java.util.List<Block> out = new java.util.ArrayList<>();
        forEach(start, end, (p, k) -> out.add(new Block(p, k)));
        return out;
    }
}
