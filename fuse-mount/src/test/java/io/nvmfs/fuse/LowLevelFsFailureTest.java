package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Every callback answers its request exactly once, with EIO, whatever goes wrong inside it:
 * the filesystem throwing (here: no filesystem at all, so every call into it is a
 * NullPointerException), the success reply failing before it reaches the kernel (an Error, as
 * jnr throws when converting arguments fails), and the failure's logging failing too.
 */
class LowLevelFsFailureTest {
    private static final int EIO = 5;
    private static final int O_RDWR = 2;
    private final Arena arena = Arena.ofAuto();
    private final long fi = arena.allocate(CStructs.ENTRY_SIZE, 8).address();
    private final long attr = arena.allocate(CStructs.STAT_SIZE, 8).address();
    private final long data = arena.allocate(1 << 16, 4096).address();

    /** A name as the kernel passes it: a NUL-terminated string in native memory. */
    private long c(String name) {
        return arena.allocateFrom(name).address();
    }

    @Test
    void everyCallbackAnswersEioOnceWhenTheFilesystemThrowsAndLoggingFails() {
        FakeFuse fuse = new FakeFuse().answer("fuse_req_ctx", a -> arena.allocate(16, 8).address());
        LowLevelFs fs = new LowLevelFs(null, fuse.lib, 1, 1, new KernelInit(fuse.lib, fuse.libc, false, 1 << 20));
        Map<String, LongConsumer> ops = new LinkedHashMap<>();
        ops.put("lookup", req -> fs.lookup(req, 1, c("x")));
        ops.put("getattr", req -> fs.getattr(req, 1, fi));
        ops.put("setattr", req -> fs.setattr(req, 1, attr, 1, fi));
        ops.put("readlink", req -> fs.readlink(req, 1));
        ops.put("mknod", req -> fs.mknod(req, 1, c("x"), 0100644, 0));
        ops.put("mkdir", req -> fs.mkdir(req, 1, c("x"), 0755));
        ops.put("unlink", req -> fs.unlink(req, 1, c("x")));
        ops.put("rmdir", req -> fs.rmdir(req, 1, c("x")));
        ops.put("symlink", req -> fs.symlink(req, c("t"), 1, c("x")));
        ops.put("rename", req -> fs.rename(req, 1, c("x"), 1, c("y")));
        ops.put("link", req -> fs.link(req, 2, 1, c("y")));
        ops.put("open", req -> fs.open(req, 2, fi));
        ops.put("read", req -> fs.read(req, 2, 4096, 0, fi));
        ops.put("write", req -> fs.write(req, 2, data, 16, 0, fi));
        ops.put("flush", req -> fs.flush(req, 2, fi));
        ops.put("release", req -> fs.release(req, 2, fi));
        ops.put("fsync", req -> fs.fsync(req, 2, 0, fi));
        ops.put("opendir", req -> fs.opendir(req, 1, fi));
        ops.put("readdir", req -> fs.readdir(req, 1, 4096, 0, fi));
        ops.put("releasedir", req -> fs.releasedir(req, 1, fi));
        ops.put("statfs", req -> fs.statfs(req, 1));
        ops.put("setxattr", req -> fs.setxattr(req, 1, "user.x", data, 4, 0));
        ops.put("getxattr", req -> fs.getxattr(req, 1, "user.x", 0));
        ops.put("listxattr", req -> fs.listxattr(req, 1, 0));
        ops.put("removexattr", req -> fs.removexattr(req, 1, "user.x"));
        ops.put("access", req -> fs.access(req, 1, 4));
        ops.put("create", req -> fs.create(req, 1, c("x"), 0644, fi));
        ops.put("fallocate", req -> fs.fallocate(req, 2, 0, 0, 4096, fi));
        AtomicInteger logged = new AtomicInteger();
        withFailingLog(logged, () -> assertEachAnswersEioOnce(fuse, ops));
        assertTrue(logged.get() > 0, "the failing logger was reached");
    }

    @Test
    void aSuccessReplyThatFailsBeforeReachingTheKernelIsAnsweredEioInstead() throws Exception {
        FakeFuse fuse = new FakeFuse().answer("fuse_req_ctx", a -> arena.allocate(16, 8).address());
        // Every reply but an error reply fails: the success paths' answers never get out.
        fuse.fail((name, a) -> name.startsWith("fuse_reply_") && !(name.equals("fuse_reply_err") && (int) a[1] != 0));
        Media media = Media.ofMemory(arena.allocate(64 << 20, 4096), Persistence.NONE);
        Mkfs.format(media, "test", 0, TimeSource.SYSTEM);
        NvmFs nvm = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
        NvmFs.Created f = nvm.create(1, "f", 0644, O_RDWR, Caller.ROOT);
        nvm.write(f.fh(), 0, MemorySegment.ofArray(new byte[100]), 0, 100);
        nvm.setxattr(f.stat().ino(), "user.a", new byte[] {1}, 0);
        long link = nvm.symlink(1, "l", "f", Caller.ROOT).ino();
        long dir = nvm.opendir(1);
        LowLevelFs fs = new LowLevelFs(nvm, fuse.lib, 1, 1, new KernelInit(fuse.lib, fuse.libc, false, 1 << 20));
        long file = f.stat().ino();
        Map<String, LongConsumer> ops = new LinkedHashMap<>();
        ops.put("lookup", req -> fs.lookup(req, 1, c("f")));
        ops.put("getattr", req -> fs.getattr(req, 1, fi));
        ops.put("readlink", req -> fs.readlink(req, link));
        ops.put("mkdir", req -> fs.mkdir(req, 1, c("d"), 0755));
        ops.put("create", req -> withFlags(O_RDWR, () -> fs.create(req, 1, c("g"), 0644, fi)));
        ops.put("open", req -> withFlags(O_RDWR, () -> fs.open(req, file, fi)));
        ops.put("read", req -> withFh(f.fh(), () -> fs.read(req, file, 4096, 0, fi)));
        ops.put("write", req -> withFh(f.fh(), () -> fs.write(req, file, data, 16, 0, fi)));
        ops.put("getxattr", req -> fs.getxattr(req, file, "user.a", 0));
        ops.put("listxattr", req -> fs.listxattr(req, file, 0));
        ops.put("readdir", req -> withFh(dir, () -> fs.readdir(req, 1, 4096, 0, fi)));
        ops.put("statfs", req -> fs.statfs(req, 1));
        ops.put("unlink", req -> fs.unlink(req, 1, c("g")));
        ops.put("fsyncdir", req -> fs.fsyncdir(req, 1, 0, fi));
        assertEachAnswersEioOnce(fuse, ops);
        nvm.close();
    }

    private static void assertEachAnswersEioOnce(FakeFuse fuse, Map<String, LongConsumer> ops) {
        long req = 1000;
        for (Map.Entry<String, LongConsumer> op : ops.entrySet()) {
            long r = ++req;
            op.getValue().accept(r); // must not throw: an exception here would leave the request unanswered
            List<FakeFuse.Sent> replies = fuse.repliesTo(r);
            assertEquals(List.of(new FakeFuse.Sent("fuse_reply_err", List.of(r, EIO))), replies, op.getKey() + " answers");
        }
    }

    private void withFlags(int flags, Runnable r) {
        MemorySegment s = CStructs.at(fi, CStructs.ENTRY_SIZE);
        s.fill((byte) 0);
        s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, CStructs.FI_FLAGS, flags);
        r.run();
    }

    private void withFh(long fh, Runnable r) {
        CStructs.at(fi, CStructs.ENTRY_SIZE).fill((byte) 0);
        CStructs.fiSetFh(fi, fh, false);
        r.run();
    }

    /** Runs {@code r} with every log record of io.nvmfs.fuse throwing an Error, as out of memory would (counted in {@code calls}). */
    private static void withFailingLog(AtomicInteger calls, Runnable r) {
        Logger log = Logger.getLogger("io.nvmfs.fuse");
        Handler failing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                calls.incrementAndGet();
                throw new FakeFuse.Injected("logging fails");
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
