package io.nvmfs.fuse;

import java.lang.foreign.MemorySegment;

/**
 * Where a serving thread reads requests from and writes their replies to: a /dev/fuse descriptor
 * ({@link DevFuseChannel}). Numbers, not exceptions: both calls return a negative errno for a
 * failure, as the kernel does. (The io_uring transport receives through its ring instead:
 * {@link RingQueue}.)
 */
interface Channel extends ReplyChannel, AutoCloseable {
    int EINTR = 4;
    int ENOENT = 2;
    int EAGAIN = 11;
    int ENODEV = 19;

    /** The next request into {@code buf}: its length, or -errno (ENODEV: the filesystem is unmounted). */
    long receive(MemorySegment buf);

    /** On /dev/fuse a notification is written as a reply is. */
    @Override
    default int notify(MemorySegment note, int length) {
        return send(note, length);
    }

    @Override
    void close();
}
