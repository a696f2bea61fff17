package io.nvmfs.nvmpg;

/** No free block of the requested order (ENOSPC). Carries what is free so callers can retry smaller. */
public final class OutOfSpaceException extends NvmpgException {
    private final int requestedOrder;
    private final long freePages;
    private final int largestFreeOrder;

    public OutOfSpaceException(int requestedOrder, long freePages, int largestFreeOrder) {
        super("no free block of order " + requestedOrder + " (" + Pages.ofOrder(requestedOrder) + " pages): "
                + freePages + " pages free, largest free order "
                + (largestFreeOrder < 0 ? "none" : Integer.toString(largestFreeOrder)));
        this.requestedOrder = requestedOrder;
        this.freePages = freePages;
        this.largestFreeOrder = largestFreeOrder;
    }

    public int requestedOrder() {
        return requestedOrder;
    }

    public long freePages() {
        return freePages;
    }

    /** Largest order with a free block, or -1 when nothing is free. */
    public int largestFreeOrder() {
        return largestFreeOrder;
    }
}
