package io.nvmfs.fuse.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct fuse_uring_req_header: the header buffer of one FUSE io_uring entry, which the kernel
 * fills with a request and reads the reply's header from. The request's remaining arguments
 * (names, written data) and the whole reply body are in the entry's separate payload buffer.
 *
 * <pre>
 *  off size field
 *    0 128  in_out      the request's fuse_in_header ({@link InHeader}); the reply's fuse_out_header
 *                       ({@link OutHeader}) is written here
 *  128 128  op_in       the opcode's own struct (fuse_write_in, ...), the request's first argument;
 *                       its size is in_header.len - 40 - payload_sz (0 for requests that start with a name)
 *  256   8  flags       0
 *  264   8  commit_id   the id a COMMIT_AND_FETCH of the reply names ({@link RingCommand})
 *  272   4  payload_sz  request: bytes of the payload the kernel wrote; reply: bytes of the reply body
 *  276   4  padding
 *  280   8  reserved
 *  288
 * </pre>
 */
public final class RingHeader {
    public static final int SIZE = 288;
    public static final int IN_OUT = 0;
    public static final int OP_IN = 128;
    /** The largest first argument op_in holds. */
    public static final int OP_IN_SIZE = 128;
    private static final int COMMIT_ID = 264;
    private static final int PAYLOAD_SZ = 272;

    private RingHeader() {}

    public static long commitId(MemorySegment h) {
        return h.get(ValueLayout.JAVA_LONG, COMMIT_ID);
    }

    public static int payloadSize(MemorySegment h) {
        return h.get(ValueLayout.JAVA_INT, PAYLOAD_SZ);
    }

    public static void payloadSize(MemorySegment h, int bytes) {
        h.set(ValueLayout.JAVA_INT, PAYLOAD_SZ, bytes);
    }
}
