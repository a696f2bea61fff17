package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_init_out, the answer to FUSE_INIT: the version the filesystem speaks and the
 * capabilities it takes of those the kernel offered.
 *
 * <pre>
 *  off size field
 *    0   4  major                 7
 *    4   4  minor                 min(kernel's, {@link #MINOR}): the formats both sides then use
 *    8   4  max_readahead         at most the kernel's
 *   12   4  flags                 capabilities taken, bits 0..31
 *   16   2  max_background        requests the kernel keeps in flight in the background
 *   18   2  congestion_threshold
 *   20   4  max_write             largest WRITE (and READ) payload
 *   24   4  time_gran             timestamp granularity in ns (1: nvmfs keeps nanoseconds)
 *   28   2  max_pages             pages per request, with FUSE_MAX_PAGES
 *   30   2  map_alignment         (DAX only)
 *   32   4  flags2                bits 32..63, with FUSE_INIT_EXT
 *   36   4  max_stack_depth       (passthrough only)
 *   40   2  request_timeout       (0: none)
 *   42  22  unused
 *   64
 * </pre>
 */
public final class InitOut {
    public static final int SIZE = 64;
    /** The protocol minor version whose formats these classes implement. */
    public static final int MINOR = 44;
    public static final int MAJOR = 7;

    public static final long ASYNC_READ = 1L;
    public static final long ATOMIC_O_TRUNC = 1L << 3;
    public static final long EXPORT_SUPPORT = 1L << 4;
    public static final long BIG_WRITES = 1L << 5;
    public static final long DONT_MASK = 1L << 6;
    public static final long HAS_IOCTL_DIR = 1L << 11;
    public static final long AUTO_INVAL_DATA = 1L << 12;
    public static final long DO_READDIRPLUS = 1L << 13;
    public static final long READDIRPLUS_AUTO = 1L << 14;
    public static final long ASYNC_DIO = 1L << 15;
    public static final long WRITEBACK_CACHE = 1L << 16;
    public static final long NO_OPEN_SUPPORT = 1L << 17;
    public static final long PARALLEL_DIROPS = 1L << 18;
    public static final long HANDLE_KILLPRIV = 1L << 19;
    public static final long POSIX_ACL = 1L << 20;
    public static final long ABORT_ERROR = 1L << 21;
    public static final long MAX_PAGES = 1L << 22;
    public static final long CACHE_SYMLINKS = 1L << 23;
    public static final long NO_OPENDIR_SUPPORT = 1L << 24;
    public static final long EXPLICIT_INVAL_DATA = 1L << 25;
    public static final long HANDLE_KILLPRIV_V2 = 1L << 28;
    public static final long SETXATTR_EXT = 1L << 29;
    public static final long INIT_EXT = 1L << 30;
    public static final long OVER_IO_URING = 1L << 41;

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int AT = OutHeader.SIZE;

    private InitOut() {}

    public static void write(MemorySegment reply, int minor, int maxReadahead, long flags, int maxBackground,
            int congestionThreshold, int maxWrite, int maxPages) {
        reply.asSlice(AT, SIZE).fill((byte) 0);
        reply.set(I, AT, MAJOR);
        reply.set(I, AT + 4, minor);
        reply.set(I, AT + 8, maxReadahead);
        reply.set(I, AT + 12, (int) flags);
        reply.set(S, AT + 16, (short) maxBackground);
        reply.set(S, AT + 18, (short) congestionThreshold);
        reply.set(I, AT + 20, maxWrite);
        reply.set(I, AT + 24, 1);
        reply.set(S, AT + 28, (short) maxPages);
        reply.set(I, AT + 32, (int) (flags >>> 32));
    }

    public static int minor(MemorySegment reply) {
        return reply.get(I, AT + 4);
    }

    public static long flags(MemorySegment reply) {
        return Integer.toUnsignedLong(reply.get(I, AT + 12)) | Integer.toUnsignedLong(reply.get(I, AT + 32)) << 32;
    }

    public static int maxWrite(MemorySegment reply) {
        return reply.get(I, AT + 20);
    }

    public static int maxPages(MemorySegment reply) {
        return Short.toUnsignedInt(reply.get(S, AT + 28));
    }
}
