package io.nvmfs.fuse;

import java.lang.foreign.MemorySegment;

/**
 * Where a {@link Reply} goes: the /dev/fuse descriptor the request was read from
 * ({@link DevFuseChannel}), or the io_uring entry it arrived in ({@link RingEntry}). Numbers,
 * not exceptions: both calls return 0 or a negative errno, as the kernel does.
 */
interface ReplyChannel {
    /**
     * Sends a reply of {@code length} bytes, its fuse_out_header first, from {@code buf}: 0, or
     * -errno. ENOENT means the kernel no longer waits for it (the request was interrupted).
     */
    int send(MemorySegment buf, int length);

    /** Writes a notification (unique 0) of {@code length} bytes from {@code note}: 0, or -errno. */
    int notify(MemorySegment note, int length);
}
