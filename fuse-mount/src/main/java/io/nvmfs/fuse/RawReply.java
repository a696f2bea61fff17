package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The last-resort answer to a request: EIO written straight to /dev/fuse as a bare
 * {@code fuse_out_header} (len u32 0 = 16, error i32 4 = -EIO, unique u64 8, the request's own,
 * from its fuse_in_header at 8), for when something escaped fuse_session_process and the request
 * may be unanswered. Never a second answer: the kernel matches a reply to a pending request by
 * unique (ids are never reused within a connection) and refuses one for a request already
 * answered with ENOENT, changing nothing.
 */
final class RawReply {
    private static final int FUSE_FORGET = 2;
    private static final int FUSE_INTERRUPT = 36;
    private static final int FUSE_BATCH_FORGET = 42;
    private static final int EIO = 5;
    private static final int HEADER = 16;

    private RawReply() {}

    /** Whether the kernel waits for an answer to {@code request} (FORGET, BATCH_FORGET and INTERRUPT get none). */
    static boolean expected(MemorySegment request) {
        int opcode = request.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
        return opcode != FUSE_FORGET && opcode != FUSE_BATCH_FORGET && opcode != FUSE_INTERRUPT;
    }

    /** Answers {@code request} with EIO on the /dev/fuse descriptor {@code fd}; true if the kernel took it. */
    static boolean eio(Libc libc, int fd, MemorySegment request) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(HEADER, 8);
            out.set(ValueLayout.JAVA_INT, 0, HEADER);
            out.set(ValueLayout.JAVA_INT, 4, -EIO);
            out.set(ValueLayout.JAVA_LONG, 8, request.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
            return libc.write(fd, out.address(), HEADER) == HEADER;
        }
    }
}
