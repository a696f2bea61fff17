package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * A read-only attach of a cleanly detached namespace writes no byte of it (a ro mount rewrote the
 * journal header: 8 bytes changed; found by fstests nvmfs/006); one that needs its journal
 * replayed is replayed, as ext4 recovers at a read-only mount.
 */
class ReadOnlyAttachTest {
    private static byte[] image(TestFs t) {
        return t.media.segment().toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void readOnlyAttachOfACleanNamespaceWritesNothing() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            t.writeFile(d, "f", "kept".getBytes());
            t.fs.close();
            byte[] before = image(t);
            NvmFs ro = NvmFs.attach(t.media, t.options().withReadOnly(true));
            long f = ro.resolve("/d/f");
            MemorySegment buf = arena.allocate(16);
            long fh = ro.open(f, 0);
            assertEquals(4, ro.read(fh, 0, buf, 0, 16));
            ro.release(fh);
            ro.readdir(d, 0, 10);
            ro.close();
            assertArrayEquals(before, image(t), "the namespace's bytes after a read-only attach and detach");
        }
    }

    @Test
    void readOnlyAttachReplaysAJournalThatNeedsIt() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            t.fs.mkdir(t.fs.root(), "made-before-the-crash", 0755, Caller.ROOT);
            // no detach: as after kill -9
            NvmFs ro = NvmFs.attach(t.media, t.options().withReadOnly(true));
            ro.resolve("/made-before-the-crash");
            ro.close();
        }
    }
}
