package io.nvmfs.fuse;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The raw request a serving thread is processing, for the fields libfuse 2 drops before the
 * callback: the "kill privileges" bits of protocol 7.33 (HANDLE_KILLPRIV_V2, asked for in
 * {@link KernelInit}). A callback runs on the thread that received its request, inside
 * fuse_session_process, so the thread's receive buffer still holds it.
 *
 * <pre>
 * fuse_in_header (40): len 0, opcode u32 4, unique 8, nodeid 16, uid 24, gid 28, pid 32
 * WRITE   fuse_write_in at 40:   fh 40, offset 48, size 56, write_flags u32 60 (bit 2: KILL_SUIDGID)
 * SETATTR fuse_setattr_in at 40: valid u32 40 (bit 11: FATTR_KILL_SUIDGID), padding u32 44
 * </pre>
 *
 * libfuse masks SETATTR's valid word in place before the callback, so {@link #keepSetattrValid}
 * copies it into the unused padding word next to it when the request arrives.
 */
final class RawRequest {
    private static final int FUSE_SETATTR = 4;
    private static final int FUSE_WRITE = 16;
    private static final int WRITE_KILL_SUIDGID = 1 << 2;
    private static final int FATTR_KILL_SUIDGID = 1 << 11;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ThreadLocal<MemorySegment> BUFFER = new ThreadLocal<>();

    private RawRequest() {}

    /** Called once by each serving thread with the buffer it receives every request into. */
    static void bind(MemorySegment receiveBuffer) {
        BUFFER.set(receiveBuffer);
    }

    /** Before libfuse sees a SETATTR: keeps its whole valid word (in the padding libfuse ignores). */
    static void keepSetattrValid(MemorySegment request) {
        if (request.get(I, 4) == FUSE_SETATTR) {
            request.set(I, 44, request.get(I, 40));
        }
    }

    /** The WRITE being processed asks the filesystem to kill set-user-ID/set-group-ID (caller lacks CAP_FSETID). */
    static boolean writeKillsPrivileges() {
        return flagged(FUSE_WRITE, 60, WRITE_KILL_SUIDGID);
    }

    /** The SETATTR being processed (a truncate by a caller lacking CAP_FSETID, or a chown) asks the same. */
    static boolean setattrKillsPrivileges() {
        return flagged(FUSE_SETATTR, 44, FATTR_KILL_SUIDGID);
    }

    private static boolean flagged(int opcode, long offset, int bit) {
        MemorySegment b = BUFFER.get();
        return b != null && b.get(I, 4) == opcode && (b.get(I, offset) & bit) != 0;
    }
}
