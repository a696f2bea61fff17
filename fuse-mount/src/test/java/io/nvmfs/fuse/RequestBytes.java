package io.nvmfs.fuse;

import io.nvmfs.fuse.protocol.InHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds a request as the kernel lays it out: a header, then fields and NUL-terminated strings. */
final class RequestBytes {
    private final int opcode;
    private final long unique;
    private final long nodeid;
    private int uid;
    private int gid;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    private RequestBytes(int opcode, long unique, long nodeid) {
        this.opcode = opcode;
        this.unique = unique;
        this.nodeid = nodeid;
    }

    static RequestBytes of(int opcode, long unique, long nodeid) {
        return new RequestBytes(opcode, unique, nodeid);
    }

    RequestBytes caller(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
        return this;
    }

    RequestBytes u32(int v) {
        body.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        return this;
    }

    RequestBytes u64(long v) {
        body.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    /** {@code n} zero bytes (padding, fields the test leaves 0). */
    RequestBytes zeros(int n) {
        body.writeBytes(new byte[n]);
        return this;
    }

    /** A NUL-terminated string. */
    RequestBytes string(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        body.write(0);
        return this;
    }

    RequestBytes raw(byte[] b) {
        body.writeBytes(b);
        return this;
    }

    byte[] bytes() {
        byte[] b = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(InHeader.SIZE + b.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(InHeader.SIZE + b.length).putInt(opcode).putLong(unique).putLong(nodeid).putInt(uid).putInt(gid)
                .putInt(4242).putInt(0).put(b);
        return out.array();
    }
}
