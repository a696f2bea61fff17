package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The one mount(2) nvmfs makes itself: the remount right after fuse_mount that sets the flags
 * libfuse 2.9 does not know ({@link MountFlags#remountFlags}). It sends the filesystem no request
 * (none could be answered yet: the serving threads start after it). Also whether this process is
 * root, the test libfuse makes to mount directly rather than through fusermount.
 */
final class KernelMount {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle MOUNT = LINKER.downcallHandle(LIBC.find("mount").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(LIBC.find("geteuid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private KernelMount() {}

    static boolean root() {
        try {
            return (int) GETEUID.invokeExact() == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid failed", t);
        }
    }

    /** mount(2) of nothing new on {@code mountPoint} with {@code flags} (MS_REMOUNT and the rest); UserError on failure. */
    static void remount(Path mountPoint, long flags) {
        int errno;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int res = (int) MOUNT.invokeExact(state, MemorySegment.NULL, call.allocateFrom(mountPoint.toString()),
                    MemorySegment.NULL, flags, MemorySegment.NULL);
            if (res == 0) {
                return;
            }
            errno = (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mount(2) failed to run", t);
        }
        throw new UserError("cannot set the mount flags of " + mountPoint + " (remount: " + strerror(errno) + ")");
    }

    private static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
