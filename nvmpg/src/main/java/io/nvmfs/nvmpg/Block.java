package io.nvmfs.nvmpg;

/** A block of 2^order pages starting at page {@code page}. */
public record Block(long page, int order) implements Comparable<Block> {
    public Block {
        Pages.checkOrder(order);
        if (page < 0 || (page & ((1L << order) - 1)) != 0) {
            throw new IllegalArgumentException("block at page " + page + " is not aligned to order " + order);
        }
    }

    public long pages() {
        return 1L << order;
    }

    /** First page after the block. */
    public long end() {
        return page + (1L << order);
    }

    @Override
    public int compareTo(Block o) {
        int c = Long.compare(page, o.page);
        return c != 0 ? c : Integer.compare(o.order, order);
    }

    @Override
    public String toString() {
        return "block " + Pages.hex(page) + " order " + order;
    }
}
