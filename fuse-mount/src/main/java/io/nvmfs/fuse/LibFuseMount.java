package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What nvmfs still takes from libfuse 2 (libfuse.so.2, through FFM): the mount and the unmount.
 * fuse_mount opens /dev/fuse, mounts it as root or through the setuid fusermount otherwise (which
 * passes the descriptor back over a socket), and returns a channel whose descriptor
 * ({@link #fd}) nvmfs then serves itself; fuse_unmount undoes it and closes that descriptor.
 *
 * <pre>
 * struct fuse_args (24): argc 0 (int), argv 8, allocated 16 (int)
 * </pre>
 */
final class LibFuseMount {
    private static final int ARGS_SIZE = 24;
    private static final Linker LINKER = Linker.nativeLinker();
    private final MethodHandle mount;
    private final MethodHandle unmount;
    private final MethodHandle chanFd;
    private final MethodHandle addArg;
    private final MethodHandle freeArgs;

    private LibFuseMount(SymbolLookup lib) {
        mount = handle(lib, "fuse_mount", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        unmount = handle(lib, "fuse_unmount", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        chanFd = handle(lib, "fuse_chan_fd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        addArg = handle(lib, "fuse_opt_add_arg", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        freeArgs = handle(lib, "fuse_opt_free_args", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libfuse.so.2 has no " + name)), d);
    }

    /** Binds libfuse.so.2 (loaded for the life of the process). */
    static LibFuseMount load() {
        return new LibFuseMount(SymbolLookup.libraryLookup("libfuse.so.2", Arena.global()));
    }

    /** Mounts on {@code mountPoint} with the -o options {@code options}; the channel, or NULL when the mount failed (libfuse said why on stderr). */
    MemorySegment mount(String mountPoint, String options) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment args = call.allocate(ARGS_SIZE, 8);
            for (String s : new String[] {"nvmfs", "-o", options}) {
                if ((int) addArg.invokeExact(args, call.allocateFrom(s)) != 0) {
                    throw new IllegalStateException("fuse_opt_add_arg failed");
                }
            }
            MemorySegment ch = (MemorySegment) mount.invokeExact(call.allocateFrom(mountPoint), args);
            freeArgs.invokeExact(args);
            return ch;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fuse_mount failed to run", t);
        }
    }

    /** The channel's /dev/fuse descriptor. */
    int fd(MemorySegment channel) {
        try {
            return (int) chanFd.invokeExact(channel);
        } catch (Throwable t) {
            throw new IllegalStateException("fuse_chan_fd failed to run", t);
        }
    }

    /** Unmounts (if still mounted) and closes the channel's descriptor. */
    void unmount(String mountPoint, MemorySegment channel) {
        try (Arena call = Arena.ofConfined()) {
            unmount.invokeExact(call.allocateFrom(mountPoint), channel);
        } catch (Throwable t) {
            throw new IllegalStateException("fuse_unmount failed to run", t);
        }
    }
}
