package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several threads at once: private files written and checked byte for byte, a shared file
 * written in disjoint stripes, and a shared directory churned with create/rename/unlink.
 * Afterwards the structure is consistent and every byte is where each thread put it.
 */
class FsConcurrencyTest {
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void mixedOperationsFromManyThreadsLeaveEveryByteInPlace() throws Exception {
        int threads = 6;
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Media media = Media.ofMemory(arena.allocate(256L << 20, 4096), Persistence.NONE);
            Mkfs.format(media, "conc", 0, TimeSource.SYSTEM);
            NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(50));
            long root = fs.root();
            long shared = fs.mkdir(root, "shared", 0777, Caller.ROOT).ino();
            NvmFs.Created common = fs.create(root, "common", 0666, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
            int stripe = 8192;
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<byte[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    Random rnd = new Random(id);
                    long dir = fs.mkdir(root, "t" + id, 0755, Caller.ROOT).ino();
                    NvmFs.Created mine = fs.create(dir, "data", 0644, Handle.O_RDWR | Handle.O_CREAT, Caller.ROOT);
                    byte[] model = new byte[1 << 20];
                    int size = 0;
                    start.await();
                    for (int i = 0; i < 400; i++) {
                        int off = rnd.nextInt(model.length - 20_000);
                        byte[] b = new byte[1 + rnd.nextInt(20_000)];
                        rnd.nextBytes(b);
                        fs.write(mine.fh(), off, MemorySegment.ofArray(b), 0, b.length);
                        System.arraycopy(b, 0, model, off, b.length);
                        size = Math.max(size, off + b.length);
                        byte[] s = new byte[stripe];
                        Arrays.fill(s, (byte) (id + 1));
                        fs.write(common.fh(), ((long) (i % 16) * threads + id) * stripe, MemorySegment.ofArray(s), 0, stripe);
                        String name = "n" + id + "-" + (i % 10);
                        try {
                            switch (rnd.nextInt(3)) {
                                case 0 -> fs.mknod(shared, name, 0644, 0, Caller.ROOT);
                                case 1 -> fs.rename(shared, name, shared, name + "x", 0);
                                default -> fs.unlink(shared, rnd.nextBoolean() ? name : name + "x");
                            }
                        } catch (FsException e) {
                            if (e.errno() != Errno.EEXIST && e.errno() != Errno.ENOENT) {
                                throw e;
                            }
                        }
                        if (i % 50 == 0) {
                            fs.fsync(mine.fh(), false);
                        }
                    }
                    fs.release(mine.fh());
                    return Arrays.copyOf(model, size);
                }));
            }
            List<byte[]> models = new ArrayList<>();
            for (Future<byte[]> f : results) {
                models.add(f.get());
            }
            fs.release(common.fh());
            fs.close();
            NvmFs again = NvmFs.attach(media, FsOptions.defaults().withCommitMillis(0));
            for (int t = 0; t < threads; t++) {
                long ino = again.resolve("/t" + t + "/data");
                assertArrayEquals(models.get(t), Consistency.contents(again, ino, again.getattr(ino).size()), "thread " + t);
            }
            long commonIno = again.resolve("/common");
            byte[] c = Consistency.contents(again, commonIno, again.getattr(commonIno).size());
            assertEquals((long) 16 * threads * stripe, c.length);
            for (int k = 0; k < c.length; k++) {
                int owner = (int) ((k / stripe) % threads);
                if (c[k] != owner + 1) {
                    throw new AssertionError("byte " + k + " of the shared file is " + c[k] + ", thread " + owner + " wrote it");
                }
            }
            Consistency.check(again);
            again.close();
        }
    }
}
