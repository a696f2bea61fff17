package io.nvmfs.fuse;

import java.lang.foreign.MemorySegment;

/**
 * Where a serving thread gets requests and puts replies: a /dev/fuse descriptor
 * ({@link DevFuseChannel}). Numbers, not exceptions: both calls return a negative errno for a
 * failure, as the kernel does.
 */
interface Channel extends AutoCloseable {
    int EINTR = 4;
    int ENOENT = 2;
    int EAGAIN = 11;
    int ENODEV = 19;

    /** The next request into {@code buf}: its length, or -errno (ENODEV: the filesystem is unmounted). */
    long receive(MemorySegment buf);

    /**
     * Writes a reply or notification of {@code length} bytes from {@code buf}: 0, or -errno.
     * ENOENT for a reply means the kernel no longer waits for it (the request was interrupted).
     */
    int send(MemorySegment buf, int length);

    @Override
    void close();
}
