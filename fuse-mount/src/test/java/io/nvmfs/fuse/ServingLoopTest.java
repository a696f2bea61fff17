package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Caller;
import io.nvmfs.core.Errno;
import io.nvmfs.core.FsException;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.fuse.protocol.EntryOut;
import io.nvmfs.fuse.protocol.Opcode;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The serving loop and dispatcher over a scripted channel: every request the kernel waits on is
 * answered exactly once, whatever fails — the filesystem throwing, a request malformed, a reply
 * refused, logging failing — and what a refused reply would have handed the kernel (a lookup
 * reference, an open handle) is given back. Real mounts run the same code in the integration tests.
 */
class ServingLoopTest {
    private static final int EIO = 5;
    private static final int O_RDWR = 2;
    private final Arena arena = Arena.ofAuto();
    private final InitNegotiation init = new InitNegotiation(false, 128 << 10);

    private void serve(ScriptedChannel ch, NvmFs fs) {
        Dispatcher d = new Dispatcher(new FsRequests(fs, init, 1, 1), init, false);
        Session.serveOn(ch, arena, init.bufferSize(), d);
    }

    private NvmFs memoryFs() throws FsException {
        Media media = Media.ofMemory(arena.allocate(64 << 20, 4096), Persistence.NONE);
        Mkfs.format(media, "test", 0, TimeSource.SYSTEM);
        return NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
    }

    private static RequestBytes rq(int opcode, long unique, long nodeid) {
        return RequestBytes.of(opcode, unique, nodeid);
    }

    /** One request of each type nvmfs serves, well formed, about inode 2 (or the root for names). */
    private static Map<Integer, byte[]> oneOfEach(long file, long fh, long dirFh) {
        Map<Integer, byte[]> m = new LinkedHashMap<>();
        long u = 100;
        m.put(Opcode.LOOKUP, rq(Opcode.LOOKUP, ++u, 1).string("f").bytes());
        m.put(Opcode.GETATTR, rq(Opcode.GETATTR, ++u, file).zeros(16).bytes());
        m.put(Opcode.STATX, rq(Opcode.STATX, ++u, file).zeros(16).u32(0).u32(0xfff).bytes());
        m.put(Opcode.SETATTR, rq(Opcode.SETATTR, ++u, file).u32(1).zeros(64).u32(0644).zeros(16).bytes());
        m.put(Opcode.READLINK, rq(Opcode.READLINK, ++u, file).bytes());
        m.put(Opcode.SYMLINK, rq(Opcode.SYMLINK, ++u, 1).string("s").string("target").bytes());
        m.put(Opcode.MKNOD, rq(Opcode.MKNOD, ++u, 1).u32(0100644).u32(0).u32(022).u32(0).string("n").bytes());
        m.put(Opcode.MKDIR, rq(Opcode.MKDIR, ++u, 1).u32(0755).u32(022).string("d").bytes());
        m.put(Opcode.UNLINK, rq(Opcode.UNLINK, ++u, 1).string("n").bytes());
        m.put(Opcode.RMDIR, rq(Opcode.RMDIR, ++u, 1).string("d").bytes());
        m.put(Opcode.RENAME, rq(Opcode.RENAME, ++u, 1).u64(1).string("s").string("s2").bytes());
        m.put(Opcode.RENAME2, rq(Opcode.RENAME2, ++u, 1).u64(1).u32(0).u32(0).string("s2").string("s").bytes());
        m.put(Opcode.LINK, rq(Opcode.LINK, ++u, 1).u64(file).string("h").bytes());
        m.put(Opcode.OPEN, rq(Opcode.OPEN, ++u, file).u32(O_RDWR).u32(0).bytes());
        m.put(Opcode.CREATE, rq(Opcode.CREATE, ++u, 1).u32(O_RDWR).u32(0100644).u32(022).u32(0).string("c").bytes());
        m.put(Opcode.TMPFILE, rq(Opcode.TMPFILE, ++u, 1).u32(O_RDWR).u32(0100600).u32(022).u32(0).string("/").bytes());
        m.put(Opcode.READ, rq(Opcode.READ, ++u, file).u64(fh).u64(0).u32(4096).zeros(20).bytes());
        m.put(Opcode.WRITE, rq(Opcode.WRITE, ++u, file).u64(fh).u64(0).u32(5).zeros(20).raw("hello".getBytes()).bytes());
        m.put(Opcode.FLUSH, rq(Opcode.FLUSH, ++u, file).u64(fh).zeros(16).bytes());
        m.put(Opcode.FSYNC, rq(Opcode.FSYNC, ++u, file).u64(fh).u32(0).u32(0).bytes());
        m.put(Opcode.FALLOCATE, rq(Opcode.FALLOCATE, ++u, file).u64(fh).u64(0).u64(8192).u32(0).u32(0).bytes());
        m.put(Opcode.COPY_FILE_RANGE, rq(Opcode.COPY_FILE_RANGE, ++u, file).u64(fh).u64(0).u64(file).u64(fh).u64(8192).u64(5)
                .u64(0).bytes());
        m.put(Opcode.LSEEK, rq(Opcode.LSEEK, ++u, file).u64(fh).u64(0).u32(4).u32(0).bytes());
        m.put(Opcode.RELEASE, rq(Opcode.RELEASE, ++u, file).u64(fh).zeros(16).bytes());
        m.put(Opcode.OPENDIR, rq(Opcode.OPENDIR, ++u, 1).u32(0).u32(0).bytes());
        m.put(Opcode.READDIR, rq(Opcode.READDIR, ++u, 1).u64(dirFh).u64(0).u32(4096).zeros(20).bytes());
        m.put(Opcode.READDIRPLUS, rq(Opcode.READDIRPLUS, ++u, 1).u64(dirFh).u64(0).u32(4096).zeros(20).bytes());
        m.put(Opcode.STATFS, rq(Opcode.STATFS, ++u, 1).bytes());
        m.put(Opcode.SETXATTR, rq(Opcode.SETXATTR, ++u, file).u32(1).u32(0).string("user.x").raw(new byte[] {7}).bytes());
        m.put(Opcode.GETXATTR, rq(Opcode.GETXATTR, ++u, file).u32(0).u32(0).string("user.x").bytes());
        m.put(Opcode.LISTXATTR, rq(Opcode.LISTXATTR, ++u, file).u32(0).u32(0).bytes());
        m.put(Opcode.REMOVEXATTR, rq(Opcode.REMOVEXATTR, ++u, file).string("user.x").bytes());
        m.put(Opcode.ACCESS, rq(Opcode.ACCESS, ++u, file).u32(4).u32(0).bytes());
        m.put(Opcode.SYNCFS, rq(Opcode.SYNCFS, ++u, 1).u64(0).bytes());
        m.put(Opcode.RELEASEDIR, rq(Opcode.RELEASEDIR, ++u, 1).u64(dirFh).zeros(16).bytes());
        return m;
    }

    private static long unique(byte[] request) {
        return ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
    }

    @Test
    void everyRequestIsAnsweredOnceWithEioWhenTheFilesystemThrowsAndLoggingFails() {
        ScriptedChannel ch = new ScriptedChannel();
        Map<Integer, byte[]> requests = oneOfEach(2, 1, 1);
        requests.values().forEach(ch::request);
        ch.request(rq(Opcode.FORGET, 900, 2).u64(1).bytes());
        ch.request(rq(Opcode.BATCH_FORGET, 901, 0).u32(1).u32(0).u64(2).u64(1).bytes());
        ch.request(rq(Opcode.INTERRUPT, 902, 0).u64(101).bytes());
        AtomicInteger logged = new AtomicInteger();
        withFailingLog(logged, () -> serve(ch, null)); // no filesystem: every call into it throws
        for (Map.Entry<Integer, byte[]> r : requests.entrySet()) {
            List<ScriptedChannel.Sent> replies = ch.repliesTo(unique(r.getValue()));
            assertEquals(1, replies.size(), Opcode.name(r.getKey()) + " answered once");
            assertEquals(-EIO, replies.get(0).error(), Opcode.name(r.getKey()) + " answered EIO");
        }
        assertEquals(requests.size(), ch.sent.size(), "FORGET, BATCH_FORGET and INTERRUPT are not answered");
        assertTrue(logged.get() > 0, "the failing logger was reached");
    }

    @Test
    void requestsNvmfsDoesNotServeAreAnsweredEnosys() {
        ScriptedChannel ch = new ScriptedChannel();
        int[] unserved = {Opcode.GETLK, Opcode.SETLK, Opcode.SETLKW, Opcode.BMAP, Opcode.POLL,
            Opcode.SETUPMAPPING, Opcode.COPY_FILE_RANGE_64, 7, 19, 4096, 1 << 20};
        long u = 0;
        for (int op : unserved) {
            ch.request(rq(op, ++u, 1).zeros(64).bytes());
        }
        serve(ch, null);
        for (long i = 1; i <= u; i++) {
            assertEquals(List.of(-Errno.ENOSYS.code()), ch.repliesTo(i).stream().map(ScriptedChannel.Sent::error).toList());
        }
    }

    /** IOCTL serves the kernel's fileattr commands only; any other command (a user ioctl) is ENOTTY. */
    @Test
    void ioctlsOtherThanTheFileattrOnesAreAnsweredEnotty() {
        ScriptedChannel ch = new ScriptedChannel();
        int[] commands = {0, 0x5401 /* TCGETS */, 0xc0185879 /* XFS_IOC_GETBMAPX */};
        long u = 0;
        for (int cmd : commands) {
            ch.request(rq(Opcode.IOCTL, ++u, 1).u64(0).u32(0).u32(cmd).u64(0).u32(0).u32(0).bytes());
        }
        serve(ch, null);
        for (long i = 1; i <= u; i++) {
            assertEquals(List.of(-Errno.ENOTTY.code()), ch.repliesTo(i).stream().map(ScriptedChannel.Sent::error).toList());
        }
    }

    @Test
    void malformedRequestsAreAnsweredEio() throws Exception {
        NvmFs fs = memoryFs();
        ScriptedChannel ch = new ScriptedChannel();
        ch.request(rq(Opcode.LOOKUP, 1, 1).raw("unterminated".getBytes()).bytes());
        ch.request(rq(Opcode.WRITE, 2, 2).u64(1).u64(0).u32(1 << 20).zeros(20).raw(new byte[10]).bytes());
        ch.request(rq(Opcode.SETXATTR, 3, 1).u32(1000).u32(0).string("user.x").raw(new byte[3]).bytes());
        ch.request(rq(Opcode.RENAME, 4, 1).u64(1).string("a").raw("b".getBytes()).bytes());
        ch.request(rq(Opcode.BATCH_FORGET, 5, 0).u32(1000).u32(0).bytes());
        ch.request(rq(Opcode.GETATTR, 6, 1).zeros(16).bytes()); // still served after all of that
        serve(ch, fs);
        for (long u = 1; u <= 4; u++) {
            assertEquals(List.of(-EIO), ch.repliesTo(u).stream().map(ScriptedChannel.Sent::error).toList(), "request " + u);
        }
        assertEquals(List.of(), ch.repliesTo(5), "a forget gets no answer, malformed or not");
        assertEquals(List.of(0), ch.repliesTo(6).stream().map(ScriptedChannel.Sent::error).toList());
        fs.close();
    }

    @Test
    void aReplyTheKernelRefusesAsMalformedIsFollowedByEio() throws Exception {
        NvmFs fs = memoryFs();
        NvmFs.Created f = fs.create(1, "f", 0644, O_RDWR, Caller.ROOT);
        fs.symlink(1, "l", "f", Caller.ROOT);
        long dir = fs.opendir(1);
        ScriptedChannel ch = new ScriptedChannel().refuse(error -> error == 0 ? 22 : 0); // every success: EINVAL
        Map<Integer, byte[]> requests = oneOfEach(f.stat().ino(), f.fh(), dir);
        requests.values().forEach(ch::request);
        serve(ch, fs);
        for (Map.Entry<Integer, byte[]> r : requests.entrySet()) {
            List<ScriptedChannel.Sent> replies = ch.repliesTo(unique(r.getValue()));
            assertEquals(1, replies.size(), Opcode.name(r.getKey()) + " answered once");
            assertTrue(replies.get(0).error() < 0, Opcode.name(r.getKey()) + " answered with an error, not left waiting");
        }
        fs.close();
    }

    /**
     * A reply the kernel refuses with ENOENT (the request was interrupted) hands the kernel
     * nothing: the lookup references and handles it would have taken are given back, so an
     * unlinked file is freed at once instead of leaking until unmount.
     */
    @Test
    void whatARefusedReplyWouldHaveGivenTheKernelIsTakenBack() throws Exception {
        NvmFs fs = memoryFs();
        NvmFs.Created ca = fs.create(1, "a", 0644, O_RDWR, Caller.ROOT);
        NvmFs.Created cb = fs.create(1, "b", 0644, O_RDWR, Caller.ROOT);
        fs.release(ca.fh());
        fs.release(cb.fh());
        long a = ca.stat().ino();
        long b = cb.stat().ino();
        long dir = fs.opendir(1);
        long usedInodes = fs.statfs().files() - fs.statfs().filesFree();
        ScriptedChannel ch = new ScriptedChannel().refuse(error -> error == 0 ? Channel.ENOENT : 0);
        ch.request(rq(Opcode.LOOKUP, 1, 1).string("a").bytes());
        ch.request(rq(Opcode.OPEN, 2, a).u32(O_RDWR).u32(0).bytes());
        ch.request(rq(Opcode.CREATE, 3, 1).u32(O_RDWR).u32(0100644).u32(022).u32(0).string("c").bytes());
        ch.request(rq(Opcode.READDIRPLUS, 4, 1).u64(dir).u64(0).u32(4096).zeros(20).bytes());
        ch.request(rq(Opcode.TMPFILE, 5, 1).u32(O_RDWR).u32(0100600).u32(022).u32(0).string("/").bytes());
        serve(ch, fs);
        assertEquals(List.of(), ch.sent, "nothing reached the kernel");
        assertEquals(usedInodes + 1, fs.statfs().files() - fs.statfs().filesFree(), "c is made; the unnamed file is freed");
        long c = fs.lookup(1, "c");
        for (String name : List.of("a", "b", "c")) {
            fs.unlink(1, name);
        }
        for (long ino : new long[] {a, b, c}) {
            FsException e = assertThrows(FsException.class, () -> fs.getattr(ino), "inode " + ino + " freed at its unlink");
            assertEquals(Errno.ENOENT, e.errno());
        }
        fs.close();
    }

    @Test
    void readdirplusHandsOverEveryEntryButTheDots() throws Exception {
        NvmFs fs = memoryFs();
        long a = fs.mkdir(1, "sub", 0755, Caller.ROOT).ino();
        long dir = fs.opendir(1);
        ScriptedChannel ch = new ScriptedChannel();
        ch.request(rq(Opcode.READDIRPLUS, 1, 1).u64(dir).u64(0).u32(4096).zeros(20).bytes());
        serve(ch, fs);
        ByteBuffer r = ByteBuffer.wrap(ch.repliesTo(1).get(0).body()).order(ByteOrder.LITTLE_ENDIAN);
        long[] nodeids = new long[3];
        String[] names = new String[3];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            nodeids[i] = r.getLong(at);
            int nameLen = r.getInt(at + EntryOut.SIZE + 16);
            byte[] n = new byte[nameLen];
            r.get(at + EntryOut.SIZE + 24, n);
            names[i] = new String(n);
            at += EntryOut.SIZE + ((24 + nameLen + 7) & ~7);
        }
        assertEquals(at, r.capacity(), "three entries");
        assertEquals(List.of(".", "..", "sub"), List.of(names));
        assertEquals(List.of(0L, 0L, a), List.of(nodeids[0], nodeids[1], nodeids[2]), "the dots are not linked");
        fs.releasedir(dir);
        fs.rmdir(1, "sub");
        assertEquals(a, fs.getattr(a).ino(), "the kernel holds the listed directory until it forgets it");
        fs.forget(a, 1);
        assertThrows(FsException.class, () -> fs.getattr(a));
        fs.close();
    }

    @Test
    void theLoopRetriesInterruptedReadsAndEndsWhenTheFilesystemIsGone() throws Exception {
        NvmFs fs = memoryFs();
        ScriptedChannel ch = new ScriptedChannel().readFails(Channel.EINTR).request(rq(Opcode.GETATTR, 1, 1).zeros(16).bytes())
                .readFails(Channel.EAGAIN).request(rq(Opcode.GETATTR, 2, 1).zeros(16).bytes()).readFails(Channel.ENODEV)
                .request(rq(Opcode.GETATTR, 3, 1).zeros(16).bytes());
        serve(ch, fs);
        assertEquals(List.of(1L, 2L), ch.sent.stream().map(ScriptedChannel.Sent::unique).toList(), "nothing read after ENODEV");
        fs.close();
    }

    /** Runs {@code r} with every log record of io.nvmfs.fuse throwing an Error, as out of memory would (counted in {@code calls}). */
    private static void withFailingLog(AtomicInteger calls, Runnable r) {
        Logger log = Logger.getLogger("io.nvmfs.fuse");
        Handler failing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                calls.incrementAndGet();
                throw new OutOfMemoryError("logging fails (injected)");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parents = log.getUseParentHandlers();
        log.addHandler(failing);
        log.setUseParentHandlers(false);
        try {
            r.run();
        } finally {
            log.removeHandler(failing);
            log.setUseParentHandlers(parents);
        }
    }
}
