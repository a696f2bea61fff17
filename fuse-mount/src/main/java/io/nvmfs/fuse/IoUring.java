package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance with 128-byte submission entries (IORING_SETUP_SQE128, which FUSE's ring
 * commands need for their 80-byte command area), used by one thread: it fills entries, submits
 * them and waits in one io_uring_enter, then reads the completions. No liburing: the two rings
 * are mapped and driven here, as io_uring(7) describes.
 *
 * <pre>
 * io_uring_params (120 bytes; the kernel fills all but the first three words)
 *    0  sq_entries   4  cq_entries   8  flags   20  features
 *   40  sq_off: head 40, tail 44, ring_mask 48, ring_entries 52, flags 56, dropped 60, array 64
 *   80  cq_off: head 80, tail 84, ring_mask 88, ring_entries 92, overflow 96, cqes 100
 *
 * submission entry (128 bytes; the fields nvmfs sets)
 *    0 u8 opcode   1 u8 flags   4 s32 fd   8 u32 cmd_op   16 u64 addr   24 u32 len
 *   32 u64 user_data   48 cmd[80] (the command's own bytes)
 * completion entry (16 bytes): 0 u64 user_data, 8 s32 res, 12 u32 flags
 * </pre>
 *
 * Ordering, as the kernel's side expects: an entry is written before the SQ tail that publishes
 * it (a release store); a completion is read after the CQ tail that shows it (an acquire load),
 * and the CQ head that gives it back is a release store after reading it.
 */
final class IoUring implements AutoCloseable {
    static final int SQE_SIZE = 128;
    static final int CQE_SIZE = 16;
    private static final int SETUP_CQSIZE = 1 << 3;
    private static final int SETUP_SQE128 = 1 << 10;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final int ENTER_GETEVENTS = 1;
    private static final long OFF_SQ_RING = 0;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int PARAMS_SIZE = 120;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final int fd;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final MemorySegment[] sqeSlots;
    private final MemorySegment callState;
    private final int sqHead;
    private final int sqTail;
    private final int sqMask;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;
    /** Entries filled and not yet handed to the kernel by {@link #submitAndWait}. */
    private int pending;
    private int tail;

    private IoUring(int fd, MemorySegment params, MemorySegment sqRing, MemorySegment cqRing, MemorySegment sqes, Arena arena) {
        this.fd = fd;
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        this.callState = NativeIo.callState(arena);
        int sqEntries = params.get(ValueLayout.JAVA_INT, 0);
        sqHead = params.get(ValueLayout.JAVA_INT, 40);
        sqTail = params.get(ValueLayout.JAVA_INT, 44);
        sqMask = sqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, 48));
        int array = params.get(ValueLayout.JAVA_INT, 64);
        cqHead = params.get(ValueLayout.JAVA_INT, 80);
        cqTail = params.get(ValueLayout.JAVA_INT, 84);
        cqMask = cqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, 88));
        cqes = params.get(ValueLayout.JAVA_INT, 100);
        sqeSlots = new MemorySegment[sqEntries];
        for (int i = 0; i < sqEntries; i++) {
            sqeSlots[i] = sqes.asSlice((long) i * SQE_SIZE, SQE_SIZE);
            sqRing.set(ValueLayout.JAVA_INT, array + 4L * i, i); // slot i of the index array names entry i, for good
        }
        tail = (int) INT.getAcquire(sqRing, (long) sqTail);
    }

    /**
     * A ring of {@code entries} submission entries and {@code cqEntries} completions. Throws
     * {@link IllegalStateException} naming the errno when the kernel refuses (no io_uring,
     * io_uring_disabled, a memory limit).
     */
    static IoUring create(int entries, int cqEntries, Arena arena) {
        MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
        params.set(ValueLayout.JAVA_INT, 4, cqEntries);
        params.set(ValueLayout.JAVA_INT, 8, SETUP_SQE128 | SETUP_CQSIZE);
        int fd = NativeIo.ioUringSetup(entries, params);
        if (fd < 0) {
            throw new IllegalStateException("io_uring_setup failed: " + NativeIo.strerror(-fd));
        }
        long sqSize = params.get(ValueLayout.JAVA_INT, 64) + 4L * params.get(ValueLayout.JAVA_INT, 0);
        long cqSize = params.get(ValueLayout.JAVA_INT, 100) + (long) CQE_SIZE * params.get(ValueLayout.JAVA_INT, 4);
        boolean single = (params.get(ValueLayout.JAVA_INT, 20) & FEAT_SINGLE_MMAP) != 0;
        MemorySegment sq = NativeIo.mmapShared(fd, single ? Math.max(sqSize, cqSize) : sqSize, OFF_SQ_RING);
        MemorySegment cq = single ? sq : NativeIo.mmapShared(fd, cqSize, OFF_CQ_RING);
        MemorySegment sqes = NativeIo.mmapShared(fd, (long) SQE_SIZE * params.get(ValueLayout.JAVA_INT, 0), OFF_SQES);
        if (sq.equals(MemorySegment.NULL) || cq.equals(MemorySegment.NULL) || sqes.equals(MemorySegment.NULL)) {
            NativeIo.close(fd);
            throw new IllegalStateException("cannot map the rings of io_uring " + fd);
        }
        return new IoUring(fd, params, sq, cq, sqes, arena);
    }

    /**
     * The next free submission entry, zeroed; it is handed to the kernel by the next
     * {@link #submitAndWait}. The caller never has more entries in flight than the ring holds
     * (each FUSE ring entry has at most one command outstanding), so one is always free.
     */
    MemorySegment nextSqe() {
        int head = (int) INT.getAcquire(sqRing, (long) sqHead);
        if (tail - head >= sqeSlots.length) {
            throw new IllegalStateException("io_uring submission queue full (" + sqeSlots.length + " entries)");
        }
        MemorySegment sqe = sqeSlots[tail & sqMask];
        sqe.fill((byte) 0);
        tail++;
        pending++;
        return sqe;
    }

    /**
     * Publishes the entries filled since the last call and waits until at least {@code minComplete}
     * completions are there: 0, or -errno (EINTR: a signal; call again).
     */
    int submitAndWait(int minComplete) {
        INT.setRelease(sqRing, (long) sqTail, tail);
        int r = NativeIo.ioUringEnter(fd, pending, minComplete, minComplete > 0 ? ENTER_GETEVENTS : 0, callState);
        if (r >= 0) {
            pending -= r;
            return 0;
        }
        return r;
    }

    /** Completions there to read, from {@link #cqeUserData}(0) on. */
    int completions() {
        int t = (int) INT.getAcquire(cqRing, (long) cqTail);
        return t - (int) INT.get(cqRing, (long) cqHead);
    }

    /** The user_data of the {@code i}-th completion not yet given back. */
    long cqeUserData(int i) {
        return cqRing.get(ValueLayout.JAVA_LONG, cqe(i));
    }

    /** The result of the {@code i}-th completion not yet given back: its command's return, -errno for a failure. */
    int cqeResult(int i) {
        return cqRing.get(ValueLayout.JAVA_INT, cqe(i) + 8);
    }

    private long cqe(int i) {
        int head = (int) INT.get(cqRing, (long) cqHead);
        return cqes + (long) ((head + i) & cqMask) * CQE_SIZE;
    }

    /** Gives the first {@code n} completions back to the kernel. */
    void consumed(int n) {
        int head = (int) INT.get(cqRing, (long) cqHead);
        INT.setRelease(cqRing, (long) cqHead, head + n);
    }

    @Override
    public void close() {
        NativeIo.munmap(sqes);
        if (cqRing != sqRing) {
            NativeIo.munmap(cqRing);
        }
        NativeIo.munmap(sqRing);
        NativeIo.close(fd);
    }
}
