package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.Errno;
import io.nvmfs.fuse.protocol.InitOut;
import io.nvmfs.fuse.protocol.Opcode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** FUSE_INIT's answer on the kernel's request bytes (the real exchange happens in every mounting test). */
class InitNegotiationTest {
    private static final long EVERYTHING = 0xffff_ffffL & ~InitOut.INIT_EXT;

    private static MemorySegment initRequest(Arena arena, int major, int minor, long flags) {
        byte[] b = RequestBytes.of(Opcode.INIT, 1, 0).u32(major).u32(minor).u32(128 << 10).u32((int) flags)
                .u32((int) (flags >>> 32)).zeros(44).bytes();
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, b);
    }

    @Test
    void speaksTheKernelsMinorUpToItsOwnAndTakesOnlyWhatIsOffered() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = arena.allocate(256);
            InitNegotiation n = new InitNegotiation(false, 1 << 20);
            assertFalse(n.writebackGranted(), "nothing granted before INIT");
            assertEquals(InitOut.SIZE, n.answer(initRequest(arena, 7, 45, EVERYTHING), reply));
            assertEquals(InitOut.MINOR, InitOut.minor(reply), "a newer kernel speaks nvmfs's minor");
            long flags = InitOut.flags(reply);
            for (long f : new long[] {InitOut.ASYNC_READ, InitOut.BIG_WRITES, InitOut.MAX_PAGES, InitOut.HANDLE_KILLPRIV_V2,
                InitOut.PARALLEL_DIROPS, InitOut.DO_READDIRPLUS, InitOut.READDIRPLUS_AUTO, InitOut.CACHE_SYMLINKS,
                InitOut.EXPORT_SUPPORT}) {
                assertTrue((flags & f) != 0, "takes " + Long.toHexString(f));
            }
            assertEquals(0, flags & InitOut.WRITEBACK_CACHE, "the writeback cache only when asked");
            long acls = InitOut.POSIX_ACL | InitOut.DONT_MASK | InitOut.SETXATTR_EXT;
            assertEquals(acls, flags & acls, "POSIX ACLs, with the umask left to nvmfs");
            assertEquals(0, flags & (InitOut.HANDLE_KILLPRIV | InitOut.NO_OPEN_SUPPORT | InitOut.ATOMIC_O_TRUNC),
                    "nothing nvmfs does not do");
            assertEquals(1 << 20, InitOut.maxWrite(reply));
            assertEquals(256, InitOut.maxPages(reply));
            assertEquals(InitOut.MINOR, n.minor());

            InitNegotiation older = new InitNegotiation(true, 1 << 20);
            older.answer(initRequest(arena, 7, 38, InitOut.ASYNC_READ | InitOut.WRITEBACK_CACHE), reply);
            assertEquals(38, InitOut.minor(reply), "an older kernel's minor");
            assertEquals(InitOut.ASYNC_READ | InitOut.WRITEBACK_CACHE, InitOut.flags(reply), "never a flag not offered");
            assertTrue(older.writebackGranted());
            older.answer(initRequest(arena, 7, 38, InitOut.POSIX_ACL | InitOut.SETXATTR_EXT), reply);
            assertEquals(0, InitOut.flags(reply), "no ACLs unless the umask can be left to nvmfs");
        }
    }

    @Test
    void aKernelTooOldIsRefusedAndALaterMajorGetsOurs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = arena.allocate(256);
            InitNegotiation n = new InitNegotiation(false, 1 << 20);
            assertEquals(-Errno.EPROTO.code(), n.answer(initRequest(arena, 7, 30, EVERYTHING), reply));
            assertEquals(-Errno.EPROTO.code(), n.answer(initRequest(arena, 6, 99, EVERYTHING), reply));
            assertEquals(InitOut.SIZE, n.answer(initRequest(arena, 8, 0, EVERYTHING), reply));
            assertEquals(InitOut.MAJOR, reply.get(ValueLayout.JAVA_INT_UNALIGNED, 16), "answered in 7.x: the kernel asks again");
            assertEquals(0, n.minor(), "nothing agreed yet");
        }
    }

    @Test
    void fuseOverIoUringOnlyWhenAskedAndOfferedAndTheRingsWaitForTheReply() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = arena.allocate(256);
            long offered = InitOut.ASYNC_READ | InitOut.INIT_EXT | InitOut.OVER_IO_URING;
            InitNegotiation ring = new InitNegotiation(false, true, 1 << 20);
            assertFalse(ring.awaitReplied(0), "no reply yet");
            ring.answer(initRequest(arena, 7, 45, offered), reply);
            assertTrue((InitOut.flags(reply) & InitOut.OVER_IO_URING) != 0, "taken: in flags2 with INIT_EXT");
            assertTrue(ring.granted(InitOut.OVER_IO_URING));
            ring.replied();
            assertTrue(ring.awaitReplied(0));

            InitNegotiation notOffered = new InitNegotiation(false, true, 1 << 20);
            notOffered.answer(initRequest(arena, 7, 45, InitOut.ASYNC_READ | InitOut.INIT_EXT), reply);
            assertFalse(notOffered.granted(InitOut.OVER_IO_URING), "a kernel with enable_uring=N does not offer it");

            InitNegotiation notAsked = new InitNegotiation(false, 1 << 20);
            notAsked.answer(initRequest(arena, 7, 45, offered), reply);
            assertEquals(0, InitOut.flags(reply) & InitOut.OVER_IO_URING, "only with -o io_uring");
        }
    }
}
