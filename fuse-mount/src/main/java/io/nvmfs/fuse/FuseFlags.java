package io.nvmfs.fuse;

import java.lang.reflect.Method;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * Sets libfuse 2's {@code flag_nullpath_ok} and {@code flag_utime_omit_ok}, which jnr-fuse 0.5.8
 * declares but gives no way to set. In C they are bits 0 and 2 of the unsigned int that follows
 * the {@code bmap} pointer in {@code struct fuse_operations}; jnr-fuse maps that int as four
 * one-byte paddings starting at the same offset, so the byte at {@code flag_nullpath_ok}'s offset
 * holds both bits (x86-64 and aarch64 are little-endian). The layout is checked before writing:
 * a jnr-fuse whose struct differs makes the mount fail loudly instead of setting a wrong bit.
 *
 * <p>nullpath_ok lets libfuse call handle-based operations (read, write, fgetattr, release, ...)
 * with no path, which together with the {@code hard_remove} mount option means an unlinked open
 * file disappears from its directory at once and keeps working through its handle.
 * utime_omit_ok passes UTIME_NOW/UTIME_OMIT to utimens, which fs-core handles exactly.
 */
final class FuseFlags {
    static final int NULLPATH_OK = 1;
    static final int UTIME_OMIT_OK = 1 << 2;

    private FuseFlags() {}

    static void enable(FuseOperations ops, int bits) {
        long flags = offsetOf(ops.flag_nullpath_ok);
        long bmap = offsetOf(ops.bmap);
        long ioctl = offsetOf(ops.ioctl);
        if (flags != bmap + 8 || ioctl != flags + 8) {
            throw new IllegalStateException("unexpected jnr-fuse fuse_operations layout (bmap " + bmap + ", flags "
                    + flags + ", ioctl " + ioctl + "); cannot set flag_nullpath_ok");
        }
        Pointer mem = Struct.getMemory(ops);
        mem.putByte(flags, (byte) (mem.getByte(flags) | bits));
    }

    /** jnr's Struct member offsets are not public API; read them reflectively. */
    private static long offsetOf(Object member) {
        for (Class<?> c = member.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod("offset");
                m.setAccessible(true);
                return ((Number) m.invoke(member)).longValue();
            } catch (NoSuchMethodException e) {
                // keep looking up the hierarchy
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read jnr struct offsets: " + e, e);
            }
        }
        throw new IllegalStateException("jnr struct member " + member.getClass() + " has no offset()");
    }
}
