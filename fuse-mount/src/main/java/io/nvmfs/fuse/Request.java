package io.nvmfs.fuse;

import io.nvmfs.core.Caller;
import io.nvmfs.fuse.protocol.InHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The request a serving thread has received, in its receive buffer: the header's fields and the
 * NUL-terminated strings bodies carry, laid out as read(2) of /dev/fuse returns them. One per
 * thread (per ring entry on io_uring), reused for every request.
 */
final class Request {
    /** The request, fuse_in_header at 0; on io_uring a view that moves with the size of the opcode's struct. */
    MemorySegment buf;
    private int length;

    Request(MemorySegment buf) {
        this.buf = buf;
    }

    /** The buffer now holds a request of {@code length} bytes, as read(2) returned it. */
    void received(int length) {
        this.length = length;
    }

    /** A request of {@code length} bytes is now in {@code view} (io_uring: see {@link RingEntry}). */
    void received(MemorySegment view, int length) {
        this.buf = view;
        this.length = length;
    }

    int length() {
        return length;
    }

    int opcode() {
        return InHeader.opcode(buf);
    }

    long unique() {
        return InHeader.unique(buf);
    }

    long nodeid() {
        return InHeader.nodeid(buf);
    }

    int uid() {
        return InHeader.uid(buf);
    }

    int gid() {
        return InHeader.gid(buf);
    }

    int pid() {
        return InHeader.pid(buf);
    }

    Caller caller() {
        return new Caller(uid(), gid());
    }

    /** The caller, with the umask a create request carries (the kernel leaves it to nvmfs: FUSE_DONT_MASK). */
    Caller caller(int umask) {
        return new Caller(uid(), gid(), umask);
    }

    /**
     * Where the NUL ending the string at {@code from} is. A string the request does not end is
     * malformed: IllegalArgumentException, which the dispatcher answers EIO.
     */
    int nul(int from) {
        for (int i = from; i < length; i++) {
            if (buf.get(ValueLayout.JAVA_BYTE, i) == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException(InHeader.opcode(buf) + ": string at " + from + " not terminated");
    }

    /** The bytes of the string at {@code from}, without its NUL: names as the caller gave them, no charset applied. */
    byte[] string(int from) {
        return bytes(from, nul(from));
    }

    byte[] bytes(int from, int to) {
        return buf.asSlice(from, to - from).toArray(ValueLayout.JAVA_BYTE);
    }

    /** An extended attribute's name: UTF-8, as fs-core stores names. */
    String text(int from) {
        return new String(string(from), StandardCharsets.UTF_8);
    }
}
