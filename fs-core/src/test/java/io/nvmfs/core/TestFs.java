package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** A filesystem on an in-memory namespace, for tests; a fake clock advancing 1 ms per reading. */
final class TestFs implements AutoCloseable {
    final Arena arena;
    final Media media;
    final long[] clock = {1_700_000_000L, 0};
    final TimeSource time = () -> {
        synchronized (clock) {
            clock[1] += 1_000_000;
            if (clock[1] >= 1_000_000_000) {
                clock[0]++;
                clock[1] -= 1_000_000_000;
            }
            return clock.clone();
        }
    };
    NvmFs fs;

    TestFs(Arena arena, long bytes) throws FsException {
        this(arena, bytes, false);
    }

    /** A filesystem of {@code bytes} in memory it owns: {@link #close} detaches it and frees the memory. */
    static TestFs ofSize(long bytes) throws FsException {
        Arena arena = Arena.ofConfined();
        try {
            return new TestFs(arena, bytes, true);
        } catch (FsException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private final boolean ownsArena;

    private TestFs(Arena arena, long bytes, boolean ownsArena) throws FsException {
        this.arena = arena;
        this.ownsArena = ownsArena;
        this.media = Media.ofMemory(arena.allocate(bytes, 4096), Persistence.NONE);
        Mkfs.format(media, "test", 0, time);
        fs = NvmFs.attach(media, options());
    }

    @Override
    public void close() throws FsException {
        try {
            fs.close();
        } finally {
            if (ownsArena) {
                arena.close();
            }
        }
    }

    FsOptions options() {
        return FsOptions.defaults().withTime(time).withCommitMillis(0);
    }

    /** Clean detach and attach again. */
    NvmFs remount() throws FsException {
        fs.close();
        fs = NvmFs.attach(media, options());
        return fs;
    }

    /** Drops the instance without any flush, as kill -9 would, and attaches again. */
    NvmFs crashAndAttach() throws FsException {
        fs = NvmFs.attach(media, options());
        return fs;
    }

    static MemorySegment bytes(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates (or truncates) {@code name} in {@code dir} holding {@code content}. */
    long writeFile(long dir, String name, byte[] content) throws FsException {
        NvmFs.Created c = fs.create(dir, name, 0644, Handle.O_RDWR | Handle.O_TRUNC, Caller.ROOT);
        fs.write(c.fh(), 0, MemorySegment.ofArray(content), 0, content.length);
        fs.release(c.fh());
        return c.stat().ino();
    }

    byte[] readFile(long ino) throws FsException {
        long fh = fs.open(ino, 0);
        try {
            int size = (int) fs.getattr(ino).size();
            byte[] out = new byte[size];
            int got = fs.read(fh, 0, MemorySegment.ofArray(out), 0, size);
            if (got != size) {
                throw new AssertionError("short read " + got + " of " + size);
            }
            return out;
        } finally {
            fs.release(fh);
        }
    }
}
