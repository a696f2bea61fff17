package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The INIT reply amendment on libfuse 2's exact reply bytes (the real exchange is in WritebackCacheIT). */
class KernelInitTest {
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int LIBFUSE_FLAGS = 0x1 | 0x20 | 0x8; // async read, big writes, atomic o_trunc
    private static final int KERNEL_OFFER = KernelInit.WRITEBACK_CACHE | KernelInit.MAX_PAGES | KernelInit.HANDLE_KILLPRIV_V2 | 0x3f;

    /** libfuse 2.9's reply: out header (len 40, error 0, unique 7) + 24-byte fuse_init_out for 7.19. */
    private static MemorySegment libfuseReply(Arena arena) {
        MemorySegment r = arena.allocate(256, 8);
        r.set(I, 0, 40);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 7);
        r.set(I, 16, 7);
        r.set(I, 20, 19);
        r.set(I, 24, 131072);
        r.set(I, 28, LIBFUSE_FLAGS);
        r.set(I, 36, 131072);
        return r;
    }

    private static KernelInit init(boolean writeback) {
        return new KernelInit(null, null, writeback, 1 << 20);
    }

    @Test
    void addsWhatTheKernelOffersAndKeepsLibfusesAnswer() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = libfuseReply(arena);
            KernelInit init = init(true);
            assertFalse(init.writebackGranted(), "nothing granted before INIT");
            assertEquals(48, init.amend(r, 40, KERNEL_OFFER));
            assertTrue(init.writebackGranted(), "open flags follow what the kernel was told");
            assertEquals(48, r.get(I, 0), "header length follows the longer reply");
            assertEquals(7L, r.get(ValueLayout.JAVA_LONG_UNALIGNED, 8), "unique untouched");
            assertEquals(19, r.get(I, 20), "libfuse's minor stays: the kernel keeps sending 7.19 requests");
            int flags = r.get(I, 28);
            assertEquals(LIBFUSE_FLAGS, flags & LIBFUSE_FLAGS);
            assertTrue((flags & KernelInit.WRITEBACK_CACHE) != 0);
            assertTrue((flags & KernelInit.MAX_PAGES) != 0);
            assertTrue((flags & KernelInit.HANDLE_KILLPRIV_V2) != 0);
            assertEquals(1 << 20, r.get(I, 36), "max_write");
            assertEquals(1, r.get(I, 40), "time_gran");
            assertEquals(256, r.get(S, 44), "max_pages");
        }
    }

    @Test
    void neverSetsWhatTheKernelDidNotOfferNorTheWritebackCacheWhenOff() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = libfuseReply(arena);
            init(false).amend(r, 40, KernelInit.MAX_PAGES);
            int flags = r.get(I, 28);
            assertFalse((flags & KernelInit.WRITEBACK_CACHE) != 0, "off by option");
            assertFalse((flags & KernelInit.HANDLE_KILLPRIV_V2) != 0, "not offered");
            MemorySegment old = libfuseReply(arena);
            KernelInit notOffered = init(true);
            notOffered.amend(old, 40, 0x3f);
            assertFalse(notOffered.writebackGranted(), "an older kernel without the cache: open flags stay as given");
            assertEquals(131072, old.get(I, 36), "no MAX_PAGES offered: libfuse's max_write stays");
            assertEquals(0, old.get(S, 44));
        }
    }

    @Test
    void leavesAnErrorOrAnUnknownReplyAlone() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(256, 8);
            err.set(I, 0, 16);
            err.set(I, 4, -71); // EPROTO
            assertEquals(16, init(true).amend(err, 16, KERNEL_OFFER));
            assertEquals(16, err.get(I, 0));
            MemorySegment r = libfuseReply(arena);
            r.set(I, 16, 8); // a major version this code does not know
            assertEquals(40, init(true).amend(r, 40, KERNEL_OFFER));
            assertEquals(LIBFUSE_FLAGS, r.get(I, 28));
        }
    }

    @Test
    void requestSizesOutsideWhatTheKernelAcceptsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KernelInit(null, null, true, 1000));
        assertThrows(IllegalArgumentException.class, () -> new KernelInit(null, null, true, 2 << 20));
        assertEquals((1 << 20) + 4096, init(true).requestBufferSize());
    }

    @Test
    void writebackCacheIsOffByDefaultAndOnOnlyOnRequestNeverWithSyncOrReadOnly() {
        assertFalse(MountOptions.parse(List.of()).writebackCache());
        assertTrue(MountOptions.parse(List.of("writeback_cache")).writebackCache());
        assertFalse(MountOptions.parse(List.of("writeback_cache", "no_writeback_cache")).writebackCache());
        assertFalse(MountOptions.parse(List.of("writeback_cache", "sync")).writebackCache(), "sync: every write durable on return");
        assertFalse(MountOptions.parse(List.of("writeback_cache", "ro")).writebackCache());
    }
}
