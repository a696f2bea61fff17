package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.logging.Logger;

/**
 * Answers the kernel's FUSE_INIT with three capabilities libfuse 2 predates and so never asks for:
 * <ul>
 * <li>the writeback cache (FUSE_WRITEBACK_CACHE, protocol 7.23): write(2) lands in the page cache
 *     and the kernel writes back in large asynchronous requests; without it every write(2) is one
 *     synchronous round trip while reads get readahead. {@link LowLevelFs#openFlags} does what it
 *     asks of the filesystem;</li>
 * <li>requests of up to 1 MiB (FUSE_MAX_PAGES, 7.28) instead of 128 KiB;</li>
 * <li>HANDLE_KILLPRIV_V2 (7.33): the filesystem takes set-user-ID/set-group-ID away on write,
 *     truncate and chown when the kernel flags the request ({@link RawRequest}), and in return the
 *     kernel stops asking GETXATTR security.capability before every write(2) (it marks the
 *     inode S_NOSEC after one check, until its attributes are next refreshed).</li>
 * </ul>
 *
 * <p>How: libfuse processes the INIT request as always, but on a channel whose descriptor is the
 * write end of a pipe; the reply is read back, amended, and written to /dev/fuse. libfuse's own
 * state (init done, protocol 7.19 negotiated) is what it would be without the amendment. The
 * kernel takes these flags whatever the minor version (fs/fuse/inode.c, process_init_reply) and
 * keeps sending the 7.19 request formats libfuse parses; it accepts an init reply of any length
 * up to its own struct, so the two fields after libfuse's 24 bytes (time_gran, max_pages) can be
 * appended. Flags the kernel did not offer in its request are never set.
 *
 * <pre>
 * request: fuse_in_header (40; opcode u32 at 4) + fuse_init_in: major 40, minor 44,
 *          max_readahead 48, flags 52
 * reply:   fuse_out_header (16): len u32 0, error i32 4, unique u64 8
 *          fuse_init_out: major 16, minor 20, max_readahead 24, flags 28, max_background u16 32,
 *          congestion_threshold u16 34, max_write u32 36 | appended: time_gran u32 40,
 *          max_pages u16 44, map_alignment u16 46 (length 40 becomes 48)
 * </pre>
 */
final class KernelInit {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");
    static final int FUSE_INIT = 26;
    static final int WRITEBACK_CACHE = 1 << 16;
    static final int MAX_PAGES = 1 << 22;
    static final int HANDLE_KILLPRIV_V2 = 1 << 28;
    private static final int PAGE = 4096;
    private static final int LIBFUSE_REPLY = 16 + 24;
    private static final int AMENDED_REPLY = 16 + 32;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final LowLevelLib lib;
    private final Libc libc;
    private final boolean writebackCache;
    private final int maxWrite;
    /** The kernel was told to use its writeback cache (set while INIT is answered, before any open). */
    private volatile boolean writebackGranted;

    /**
     * @param writebackCache ask for the kernel's writeback cache
     * @param maxWrite       the largest WRITE (and READ) request, a multiple of 4 KiB up to 1 MiB
     */
    KernelInit(LowLevelLib lib, Libc libc, boolean writebackCache, int maxWrite) {
        if (maxWrite % PAGE != 0 || maxWrite < 32 * PAGE || maxWrite > 256 * PAGE) {
            throw new IllegalArgumentException("max write " + maxWrite);
        }
        this.lib = lib;
        this.libc = libc;
        this.writebackCache = writebackCache;
        this.maxWrite = maxWrite;
    }

    /** Bytes a receive buffer needs for the largest request this reply allows (data + headers). */
    int requestBufferSize() {
        return maxWrite + PAGE;
    }

    /** Whether the kernel runs a writeback cache on this mount: what {@link LowLevelFs} adapts open flags to. */
    boolean writebackGranted() {
        return writebackGranted;
    }

    static boolean isInit(MemorySegment request) {
        return request.get(I, 4) == FUSE_INIT;
    }

    /**
     * Processes the INIT request in {@code request} through libfuse and answers the kernel on
     * {@code channel}'s descriptor with the amended reply. If no pipe can be made, libfuse answers
     * unamended on {@code channel} (the mount works, without the two capabilities). Returns false
     * if no reply reached the kernel (the mount cannot work then).
     */
    boolean process(long session, MemorySegment request, int length, long channel) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(8, 4);
            long pipeChannel = 0;
            int readEnd = -1;
            if (libc.pipe(fds.address()) == 0) {
                readEnd = fds.get(ValueLayout.JAVA_INT, 0);
                int writeEnd = fds.get(ValueLayout.JAVA_INT, 4);
                pipeChannel = lib.fuse_kern_chan_new(writeEnd);
                if (pipeChannel == 0) {
                    libc.close(readEnd);
                    libc.close(writeEnd);
                }
            }
            if (pipeChannel == 0) {
                LOG.warning("no pipe for the FUSE_INIT amendment: mounting without the writeback cache, large requests and KILLPRIV_V2");
                lib.fuse_session_process(session, request.address(), length, channel);
                return true;
            }
            MemorySegment reply = arena.allocate(256, 8);
            long got;
            try {
                lib.fuse_session_process(session, request.address(), length, pipeChannel);
                lib.fuse_chan_destroy(pipeChannel); // closes the write end: the read below cannot block
                got = libc.read(readEnd, reply.address(), reply.byteSize());
            } finally {
                libc.close(readEnd);
            }
            if (got < 16) {
                return false;
            }
            int len = amend(reply, (int) got, request.get(I, 52));
            return libc.write(lib.fuse_chan_fd(channel), reply.address(), len) == len;
        }
    }

    /**
     * Amends libfuse's INIT reply (in {@code reply}, {@code len} bytes) with what the kernel
     * offered ({@code offered}, its init flags) of our capabilities; returns the reply's new
     * length. A reply that is not libfuse's successful 7.x answer is left alone.
     */
    int amend(MemorySegment reply, int len, int offered) {
        if (len != LIBFUSE_REPLY || reply.get(I, 4) != 0 || reply.get(I, 16) != 7) {
            return len;
        }
        int flags = reply.get(I, 28);
        if (writebackCache && (offered & WRITEBACK_CACHE) != 0) {
            flags |= WRITEBACK_CACHE;
            writebackGranted = true;
        }
        if ((offered & HANDLE_KILLPRIV_V2) != 0) {
            flags |= HANDLE_KILLPRIV_V2;
        }
        if ((offered & MAX_PAGES) != 0) {
            flags |= MAX_PAGES;
            reply.set(I, 36, maxWrite);
            reply.set(S, 44, (short) (maxWrite / PAGE));
        }
        reply.set(I, 28, flags);
        reply.set(I, 40, 1); // time_gran: nanosecond timestamps (the kernel keeps mtime with a writeback cache)
        reply.set(S, 46, (short) 0);
        reply.set(I, 0, AMENDED_REPLY);
        return AMENDED_REPLY;
    }
}
