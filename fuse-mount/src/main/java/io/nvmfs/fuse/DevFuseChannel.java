package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One /dev/fuse descriptor a serving thread owns: it reads requests from it and must answer each
 * on the same descriptor (the kernel keeps a request it handed out on the descriptor that read
 * it). Each thread's descriptor is a clone of the mount's ({@link #cloneOf}), so their reads and
 * writes never contend on one file.
 */
final class DevFuseChannel implements Channel {
    private final int fd;
    private final boolean owned;
    private final MemorySegment callState;

    private DevFuseChannel(int fd, boolean owned, Arena arena) {
        this.fd = fd;
        this.owned = owned;
        this.callState = NativeIo.callState(arena);
    }

    /** The mount's own descriptor (closed by whoever mounted). */
    static DevFuseChannel of(int fd, Arena arena) {
        return new DevFuseChannel(fd, false, arena);
    }

    /** A new descriptor serving the connection of {@code mountFd} (FUSE_DEV_IOC_CLONE). */
    static DevFuseChannel cloneOf(int mountFd, Arena arena) {
        int fd = NativeIo.open("/dev/fuse", NativeIo.O_RDWR | NativeIo.O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("cannot open /dev/fuse for a serving thread (errno " + -fd + ")");
        }
        int r = NativeIo.ioctlInt(fd, NativeIo.FUSE_DEV_IOC_CLONE, mountFd);
        if (r < 0) {
            NativeIo.close(fd);
            throw new IllegalStateException("FUSE_DEV_IOC_CLONE failed (errno " + -r + ")");
        }
        return new DevFuseChannel(fd, true, arena);
    }

    int fd() {
        return fd;
    }

        @Override
    public long receive(MemorySegment buf) {
        return NativeIo.read(fd, buf, buf.byteSize(), callState);
    }

    @Override
    public int send(MemorySegment buf, int length) {
        long n = NativeIo.write(fd, buf, length, callState);
        return n < 0 ? (int) n : n == length ? 0 : -5;
    }

    @Override
    public void close() {
        if (owned) {
            NativeIo.close(fd);
        }
    }
}
