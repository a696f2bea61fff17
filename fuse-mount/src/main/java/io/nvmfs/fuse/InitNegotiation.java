package io.nvmfs.fuse;

import io.nvmfs.core.Errno;
import io.nvmfs.fuse.protocol.InitIn;
import io.nvmfs.fuse.protocol.InitOut;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Answers FUSE_INIT: the protocol version both sides then use (the kernel's minor, at most the
 * one nvmfs implements, {@link InitOut#MINOR}) and the capabilities nvmfs takes of those the
 * kernel offers. What was agreed is kept here for the requests that depend on it.
 *
 * <p>Taken whenever offered:
 * <ul>
 * <li>ASYNC_READ, BIG_WRITES and MAX_PAGES with max_write {@link #maxWrite} (1 MiB requests
 *     instead of 128 KiB);</li>
 * <li>HANDLE_KILLPRIV_V2: nvmfs takes set-user-ID/set-group-ID away on write, truncate and chown
 *     when the kernel flags the request, and the kernel stops asking GETXATTR security.capability
 *     before every write(2);</li>
 * <li>PARALLEL_DIROPS: LOOKUP and READDIR in one directory run concurrently (fs-core's lookups
 *     and listings take the directory's lock shared);</li>
 * <li>DO_READDIRPLUS with READDIRPLUS_AUTO: a listing the kernel expects to be followed by stats
 *     (ls -l) carries each entry's attributes, saving a LOOKUP per entry;</li>
 * <li>CACHE_SYMLINKS: the kernel keeps symlink targets in its page cache (a target never changes);</li>
 * <li>EXPORT_SUPPORT: file handles (name_to_handle_at, open_by_handle_at, NFS export) survive the
 *     kernel forgetting the inode, through LOOKUP of "." and ".." ({@link FsRequests#lookup});</li>
 * <li>HAS_IOCTL_DIR: the kernel's fileattr requests (chattr, lsattr) reach directories too
 *     ({@link FsRequests#ioctl});</li>
 * <li>POSIX_ACL with DONT_MASK and SETXATTR_EXT, all three or none ({@link #ACLS}).</li>
 * </ul>
 * Taken on request: the writeback cache (-o writeback_cache), which changes what a handle may be
 * asked to do ({@link FsRequests#openFlags}); FUSE over io_uring (-o io_uring), after whose INIT
 * reply the rings are registered ({@link #awaitReplied}, {@link RingQueue}). A kernel that speaks major 7 below minor 31 is
 * refused (its request formats differ from these classes'); a later major is answered with ours,
 * and the kernel then sends INIT again in 7.x.
 */
final class InitNegotiation {
    /** The oldest minor whose request formats {@code io.nvmfs.fuse.protocol} reads (7.31: Linux 5.4). */
    static final int OLDEST_MINOR = 31;
    private static final int PAGE = 4096;
    private static final long ALWAYS = InitOut.ASYNC_READ | InitOut.BIG_WRITES | InitOut.MAX_PAGES
            | InitOut.HANDLE_KILLPRIV_V2 | InitOut.PARALLEL_DIROPS | InitOut.DO_READDIRPLUS | InitOut.READDIRPLUS_AUTO
            | InitOut.CACHE_SYMLINKS | InitOut.EXPORT_SUPPORT | InitOut.HAS_IOCTL_DIR;

    /**
     * POSIX ACLs: the kernel enforces them (default_permissions) and asks for them by GETXATTR;
     * nvmfs stores them and applies them at create, so the kernel must leave the umask to nvmfs
     * (DONT_MASK), and tell it when setting an access ACL must take set-group-ID away (SETXATTR_EXT).
     */
    private static final long ACLS = InitOut.POSIX_ACL | InitOut.DONT_MASK | InitOut.SETXATTR_EXT;

    private final boolean writebackCache;
    private final boolean ioUring;
    private final int maxWrite;
    private final CountDownLatch replied = new CountDownLatch(1);
    private volatile long granted;
    private volatile int minor;

    /**
     * @param writebackCache ask for the kernel's writeback cache
     * @param maxWrite       the largest WRITE (and READ) request, a multiple of 4 KiB, 128 KiB .. 1 MiB
     */
    InitNegotiation(boolean writebackCache, int maxWrite) {
        this(writebackCache, false, maxWrite);
    }

    /**
     * @param writebackCache ask for the kernel's writeback cache
     * @param ioUring        ask for FUSE over io_uring
     * @param maxWrite       the largest WRITE (and READ) request, a multiple of 4 KiB, 128 KiB .. 1 MiB
     */
    InitNegotiation(boolean writebackCache, boolean ioUring, int maxWrite) {
        if (maxWrite % PAGE != 0 || maxWrite < 32 * PAGE || maxWrite > 256 * PAGE) {
            throw new IllegalArgumentException("max write " + maxWrite);
        }
        this.writebackCache = writebackCache;
        this.ioUring = ioUring;
        this.maxWrite = maxWrite;
    }

    /** Bytes a receive buffer needs for the largest request (data and headers), and a reply buffer for the largest READ. */
    int bufferSize() {
        return maxWrite + PAGE;
    }

    /**
     * Writes the reply to the INIT request {@code req} into {@code reply}'s body; returns the
     * body's length, or the errno to answer instead (negative) for a kernel nvmfs cannot serve.
     */
    int answer(MemorySegment req, MemorySegment reply) {
        int major = InitIn.major(req);
        if (major < InitOut.MAJOR || major == InitOut.MAJOR && InitIn.minor(req) < OLDEST_MINOR) {
            return -Errno.EPROTO.code();
        }
        int agreed = major > InitOut.MAJOR ? InitOut.MINOR : Math.min(InitIn.minor(req), InitOut.MINOR);
        long offered = InitIn.flags(req);
        long want = ALWAYS | (writebackCache ? InitOut.WRITEBACK_CACHE : 0) | (ioUring ? InitOut.OVER_IO_URING : 0);
        long take = offered & want;
        if ((offered & ACLS) == ACLS) {
            take |= ACLS; // POSIX ACLs need both: the umask must be nvmfs's to apply, a default ACL replacing it
        }
        if ((offered & InitOut.INIT_EXT) != 0) {
            take |= InitOut.INIT_EXT;
        }
        InitOut.write(reply, agreed, InitIn.maxReadahead(req), take, 0, 0, maxWrite, maxWrite / PAGE);
        if (major == InitOut.MAJOR) {
            minor = agreed;
            granted = take;
        }
        return InitOut.SIZE;
    }

    /** The kernel has the INIT reply (written by the dispatcher): what was agreed now holds on its side too. */
    void replied() {
        replied.countDown();
    }

    /** Waits up to {@code millis} for {@link #replied}; whether it happened. */
    boolean awaitReplied(long millis) throws InterruptedException {
        return replied.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The protocol minor agreed, 0 before INIT. */
    int minor() {
        return minor;
    }

    boolean granted(long capability) {
        return (granted & capability) != 0;
    }

    /** Whether the kernel runs a writeback cache on this mount: what {@link FsRequests} adapts open flags to. */
    boolean writebackGranted() {
        return granted(InitOut.WRITEBACK_CACHE);
    }
}
