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

/**
 * The system calls fuse-mount makes, through the JDK's FFM: open, close, read, write and ioctl
 * on /dev/fuse; io_uring_setup, io_uring_enter, mmap, munmap and sched_setaffinity for the
 * io_uring transport ({@link IoUring}, {@link RingQueue}); and the mount(2), geteuid and strerror
 * of {@link KernelMount}. Each returns what the kernel does, a negative errno for a failure (the
 * kernel's own convention), so a caller tests one number and no exception is made per call.
 *
 * <p>errno is captured by the downcall itself ({@code captureCallState}) into a segment the
 * calling thread owns ({@link #callState}), allocated once per thread: nothing is allocated per
 * call. FFM needs no {@code sun.misc.Unsafe} access (jnr-ffi does) and its downcalls are compiled
 * to a direct call; bench/RESULTS.md, "Native binding", has the measured cost of both.
 */
final class NativeIo {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 02000000;
    /** {@code _IOR(229, 0, uint32_t)}: makes a descriptor serve the connection of the one passed. */
    static final long FUSE_DEV_IOC_CLONE = 0x8004e500L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = handle("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    /** ioctl is variadic: its third argument is passed as C passes a variadic one. */
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));

    /** syscall(2) is variadic from its second argument; every argument is passed as a long, as the kernel reads registers. */
    private static final MethodHandle URING_SETUP = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle URING_ENTER = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = handle("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = handle("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle SCHED_SETAFFINITY = handle("sched_setaffinity",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    /** x86-64's numbers (the only architecture nvmfs is built for: see {@link IoUring}). */
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    static final int PROT_READ_WRITE = 3;
    static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;

    private static final MethodHandle MOUNT = handle("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(LIBC.find("geteuid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private NativeIo() {}

    /** mount(2) with no source, type or data (a remount of {@code target} with {@code flags}): 0 or -errno. */
    static int remount(String target, long flags) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            int r = (int) MOUNT.invokeExact(state, MemorySegment.NULL, call.allocateFrom(target), MemorySegment.NULL, flags,
                    MemorySegment.NULL);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("mount(2) failed to run", t);
        }
    }

    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid failed", t);
        }
    }

    /** strerror(3) of {@code errno}, or "errno N". */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d, ERRNO_OPTION);
    }

    /** A segment for errno, for one thread's calls. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** read(2) of up to {@code count} bytes into {@code buf}: the bytes read, or -errno. */
    static long read(int fd, MemorySegment buf, long count, MemorySegment state) {
        try {
            long n = (long) READ.invokeExact(state, fd, buf, count);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("read(2) failed to run", t);
        }
    }

    /** write(2) of {@code count} bytes of {@code buf}: the bytes written, or -errno. */
    static long write(int fd, MemorySegment buf, long count, MemorySegment state) {
        try {
            long n = (long) WRITE.invokeExact(state, fd, buf, count);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("write(2) failed to run", t);
        }
    }

    /** open(2) of {@code path} with {@code flags}: the descriptor, or -errno. */
    static int open(String path, int flags) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            int fd = (int) OPEN.invokeExact(state, call.allocateFrom(path), flags);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("open(2) failed to run", t);
        }
    }

    static int close(int fd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            int r = (int) CLOSE.invokeExact(state, fd);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("close(2) failed to run", t);
        }
    }

    /** ioctl(2) whose argument points at one int ({@code value}): 0 or more, or -errno. */
    static int ioctlInt(int fd, long request, int value) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            MemorySegment arg = call.allocateFrom(ValueLayout.JAVA_INT, value);
            int r = (int) IOCTL.invokeExact(state, fd, request, arg);
            return r >= 0 ? r : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl(2) failed to run", t);
        }
    }

    /** io_uring_setup(2): the ring's descriptor, or -errno; the kernel fills {@code params}. */
    static int ioUringSetup(int entries, MemorySegment params) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            long r = (long) URING_SETUP.invokeExact(state, SYS_IO_URING_SETUP, (long) entries, params);
            return r >= 0 ? (int) r : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("io_uring_setup(2) failed to run", t);
        }
    }

    /** io_uring_enter(2) without a signal mask: the SQEs consumed, or -errno. */
    static int ioUringEnter(int ringFd, int toSubmit, int minComplete, int flags, MemorySegment state) {
        try {
            long r = (long) URING_ENTER.invokeExact(state, SYS_IO_URING_ENTER, (long) ringFd, (long) toSubmit, (long) minComplete,
                    (long) flags, MemorySegment.NULL, 0L);
            return r >= 0 ? (int) r : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("io_uring_enter(2) failed to run", t);
        }
    }

    /** mmap(2) of {@code length} bytes of {@code fd} at {@code offset}, shared and populated; NULL when it fails. */
    static MemorySegment mmapShared(int fd, long length, long offset) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, PROT_READ_WRITE,
                    MAP_SHARED_POPULATE, fd, offset);
            return p.address() == -1L ? MemorySegment.NULL : p.reinterpret(length);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap(2) failed to run", t);
        }
    }

    static void munmap(MemorySegment mapping) {
        try (Arena call = Arena.ofConfined()) {
            int ignored = (int) MUNMAP.invokeExact(callState(call), mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap(2) failed to run", t);
        }
    }

    /** Binds the calling thread to {@code cpu}: 0, or -errno (an offline CPU: EINVAL). */
    static int pinToCpu(int cpu) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = callState(call);
            long words = cpu / 64 + 1;
            MemorySegment mask = call.allocate(ValueLayout.JAVA_LONG, words);
            mask.setAtIndex(ValueLayout.JAVA_LONG, cpu / 64, 1L << (cpu % 64));
            int r = (int) SCHED_SETAFFINITY.invokeExact(state, 0, words * 8, mask);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity(2) failed to run", t);
        }
    }
}
