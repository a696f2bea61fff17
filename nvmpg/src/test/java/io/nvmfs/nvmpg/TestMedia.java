package io.nvmfs.nvmpg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Small in-memory namespaces for tests; freed when the arena closes. */
final class TestMedia {
    private TestMedia() {}

    static Media zeroed(Arena arena, long bytes) {
        MemorySegment s = arena.allocate(bytes, Pages.SIZE);
        return Media.ofMemory(s, Persistence.NONE);
    }

    static NvmPages formatted(Arena arena, long bytes) throws NvmpgException {
        return NvmPages.format(zeroed(arena, bytes), FormatOptions.of("test"));
    }
}
