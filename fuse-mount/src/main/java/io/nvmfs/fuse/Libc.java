package io.nvmfs.fuse;

import jnr.ffi.LibraryLoader;

/** The few libc calls the INIT amendment needs (a pipe to catch libfuse's reply, and raw writes to /dev/fuse). */
public interface Libc {
    int pipe(long fds);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    int close(int fd);

    static Libc load() {
        return LibraryLoader.create(Libc.class).failImmediately().load("c");
    }
}
