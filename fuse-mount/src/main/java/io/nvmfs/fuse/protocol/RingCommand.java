package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A FUSE io_uring command: an IORING_OP_URING_CMD submission entry on the /dev/fuse descriptor,
 * whose 80-byte command area holds struct fuse_uring_cmd_req.
 *
 * <pre>
 * submission entry (SQE128)         fuse_uring_cmd_req, at the entry's offset 48
 *    0 u8  opcode  IORING_OP_URING_CMD   48 u64 flags      0
 *    4 s32 fd      /dev/fuse             56 u64 commit_id  COMMIT_AND_FETCH: the reply's (RingHeader)
 *    8 u32 cmd_op  REGISTER / COMMIT..   64 u16 qid        the queue: the CPU it serves
 *   16 u64 addr    REGISTER: iovec[2]    66     padding[6]
 *   24 u32 len     REGISTER: 2
 *   32 u64 user_data  nvmfs's entry index, returned in the completion
 * </pre>
 * REGISTER hands the kernel an entry's two buffers (iovec 0: the {@link RingHeader}, iovec 1: the
 * payload, at least max_write bytes) and completes when a request is in them. COMMIT_AND_FETCH
 * gives the reply written there back and completes when the next request is in them: one
 * system call per request, where /dev/fuse needs a write and a read.
 */
public final class RingCommand {
    public static final int REGISTER = 1;
    public static final int COMMIT_AND_FETCH = 2;
    /** struct iovec: 0 u64 base, 8 u64 length. */
    public static final int IOVEC_SIZE = 16;
    private static final byte OP_URING_CMD = 46;

    private RingCommand() {}

    /** Fills the (zeroed) submission entry {@code sqe} with {@code command} for queue {@code qid}. */
    public static void write(MemorySegment sqe, int command, int fuseFd, int qid, long commitId, MemorySegment iovecs,
                             long userData) {
        sqe.set(ValueLayout.JAVA_BYTE, 0, OP_URING_CMD);
        sqe.set(ValueLayout.JAVA_INT, 4, fuseFd);
        sqe.set(ValueLayout.JAVA_INT, 8, command);
        if (command == REGISTER) {
            sqe.set(ValueLayout.JAVA_LONG, 16, iovecs.address());
            sqe.set(ValueLayout.JAVA_INT, 24, 2);
        }
        sqe.set(ValueLayout.JAVA_LONG, 32, userData);
        sqe.set(ValueLayout.JAVA_LONG, 56, commitId);
        sqe.set(ValueLayout.JAVA_SHORT, 64, (short) qid);
    }

    /** Fills {@code iovecs} with the entry's header and payload buffers. */
    public static void iovecs(MemorySegment iovecs, MemorySegment header, MemorySegment payload) {
        iovecs.set(ValueLayout.JAVA_LONG, 0, header.address());
        iovecs.set(ValueLayout.JAVA_LONG, 8, header.byteSize());
        iovecs.set(ValueLayout.JAVA_LONG, 16, payload.address());
        iovecs.set(ValueLayout.JAVA_LONG, 24, payload.byteSize());
    }
}
