package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;

/**
 * A {@code struct fuse_lowlevel_ops} and the Java callbacks its slots point at, through jnr-ffi
 * closure stubs.
 *
 * <p>Invariant: every callback whose stub is in the struct is strongly reachable from this
 * object, and {@link Session} holds this object until libfuse can no longer call it (after
 * fuse_session_destroy; {@link #reachableUntilHere}). Why: jnr-ffi's closure manager refers to a
 * callback only through a weak reference. Once nothing else holds the callback, a garbage
 * collection clears it and jnr recycles the stub; the next request through that slot throws
 * NullPointerException ("callable is null") inside jnr, before any nvmfs code runs, so nothing
 * answers the request: its caller waits forever in D state and the serving thread dies with the
 * exception. The stubs are held as well, so the slot addresses stay theirs.
 */
final class Callbacks {
    private final MemorySegment struct;
    /** Indexed by slot; null where libfuse's default applies. Final arrays: filled once, never cleared. */
    private final Object[] targets = new Object[LowLevelCallbacks.SLOTS];
    private final jnr.ffi.Pointer[] stubs = new jnr.ffi.Pointer[LowLevelCallbacks.SLOTS];

    /** An empty struct (every slot NULL) in {@code arena}, which must outlive the session. */
    Callbacks(Arena arena) {
        struct = arena.allocate(LowLevelCallbacks.SLOTS * 8L, 8);
    }

    /** Points {@code slot} at {@code callback} (of the jnr callback type {@code type}); each slot once. */
    <T> void put(int slot, Class<T> type, T callback) {
        if (targets[slot] != null) {
            throw new IllegalStateException("slot " + slot + " is already set");
        }
        jnr.ffi.Pointer stub = jnr.ffi.Runtime.getSystemRuntime().getClosureManager().getClosurePointer(type, callback);
        targets[slot] = callback;
        stubs[slot] = stub;
        struct.set(ValueLayout.JAVA_LONG, slot * 8L, stub.address());
    }

    /** The struct to hand to fuse_lowlevel_new. */
    MemorySegment struct() {
        return struct;
    }

    /**
     * Keeps this object, and so every callback, reachable up to this call whatever the JIT
     * concludes about later uses: the session calls it once fuse_session_destroy has returned.
     */
    void reachableUntilHere() {
        Reference.reachabilityFence(this);
    }
}
