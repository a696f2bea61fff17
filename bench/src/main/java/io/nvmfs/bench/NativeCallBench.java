package io.nvmfs.bench;

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
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.IgnoreError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of the two candidate native bindings for the FUSE protocol layer (each serving
 * thread: read(2) a request from /dev/fuse, write(2) the answer): jnr-ffi 2.2.16 (what fuse-mount
 * uses today) and the JDK's FFM ({@code java.lang.foreign}), in the same run.
 *
 * <ul>
 *   <li>{@code write(fd, buf, 4096)} to /dev/null, {@code read(fd, buf, 4096)} from /dev/zero, and
 *       {@code getppid()} (a trivial syscall: the binding's overhead around almost nothing).</li>
 *   <li>jnr-ffi as loaded by default, which saves errno after every call (jffi's
 *       {@code jffi_save_errno}), and with {@code @IgnoreError}, which does not; the buffer is a
 *       {@code long} address.</li>
 *   <li>FFM without and with {@code Linker.Option.captureCallState("errno")}; the buffer is a
 *       {@code MemorySegment}, the capture segment is allocated once per thread.</li>
 * </ul>
 *
 * Every variant reads errno the way the protocol layer would: only when the call returned -1
 * (which never happens here), so the "errno" variants measure the cost of having it saved.
 * Nothing is allocated per call: buffers, descriptors and the capture segment belong to the
 * per-thread state, the handles and the jnr-ffi proxies are static finals.
 *
 * <p>{@code java -cp benchmarks.jar io.nvmfs.bench.NativeCallBench jnr|ffm} makes one call through
 * one binding only and exits: run without JVM flags, it shows which warnings each binding prints.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class NativeCallBench {
    static final int SIZE = 4096;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;

    /** jnr-ffi, default options: errno saved after every call. */
    public interface JnrLibc {
        long write(int fd, long buf, long count);

        long read(int fd, long buf, long count);

        int getppid();

        int open(String path, int flags);

        int close(int fd);
    }

    /** jnr-ffi with errno saving turned off. */
    public interface JnrLibcNoErrno {
        @IgnoreError
        long write(int fd, long buf, long count);

        @IgnoreError
        long read(int fd, long buf, long count);

        @IgnoreError
        int getppid();
    }

    /** Loaded on first use, so that the FFM-only probe in {@link #main} never touches jnr-ffi. */
    static final class Jnr {
        static final JnrLibc LIBC = LibraryLoader.create(JnrLibc.class).failImmediately().load("c");
        static final JnrLibcNoErrno LIBC_NO_ERRNO =
                LibraryLoader.create(JnrLibcNoErrno.class).failImmediately().load("c");
        static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
    }

    static final class Ffm {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();
        static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
        static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        static final FunctionDescriptor RW = FunctionDescriptor.of(
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
        static final FunctionDescriptor INT_VOID = FunctionDescriptor.of(ValueLayout.JAVA_INT);

        static final MethodHandle WRITE = handle("write", RW);
        static final MethodHandle READ = handle("read", RW);
        static final MethodHandle GETPPID = handle("getppid", INT_VOID);
        static final MethodHandle WRITE_ERRNO = handle("write", RW, ERRNO_OPTION);
        static final MethodHandle READ_ERRNO = handle("read", RW, ERRNO_OPTION);
        static final MethodHandle GETPPID_ERRNO = handle("getppid", INT_VOID, ERRNO_OPTION);
        static final MethodHandle OPEN = handle("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE = handle("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
            return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, options);
        }

        static int open(String path, int flags) throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                int fd = (int) OPEN.invokeExact(a.allocateFrom(path), flags);
                if (fd < 0) {
                    throw new IllegalStateException("open " + path + " failed");
                }
                return fd;
            }
        }
    }

    private Arena arena;
    private MemorySegment buf;
    private long bufAddress;
    private MemorySegment capture;
    private int nullFd;
    private int zeroFd;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        arena = Arena.ofConfined();
        buf = arena.allocate(SIZE, 4096);
        bufAddress = buf.address();
        capture = arena.allocate(Ffm.CAPTURE_LAYOUT);
        nullFd = Ffm.open("/dev/null", O_WRONLY);
        zeroFd = Ffm.open("/dev/zero", O_RDONLY);
        Jnr.LIBC.getppid(); // load jnr-ffi before the first iteration
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Throwable {
        int unused = (int) Ffm.CLOSE.invokeExact(nullFd);
        unused = (int) Ffm.CLOSE.invokeExact(zeroFd);
        arena.close();
    }

    private static long jnrChecked(long r) {
        return r < 0 ? -Jnr.RUNTIME.getLastError() : r;
    }

    private long ffmChecked(long r) {
        return r < 0 ? -(int) Ffm.ERRNO.get(capture, 0L) : r;
    }

    // --- jnr-ffi, default (errno saved after every call) ---

    @Benchmark
    public long jnrWrite() {
        return jnrChecked(Jnr.LIBC.write(nullFd, bufAddress, SIZE));
    }

    @Benchmark
    public long jnrRead() {
        return jnrChecked(Jnr.LIBC.read(zeroFd, bufAddress, SIZE));
    }

    @Benchmark
    public long jnrGetppid() {
        return Jnr.LIBC.getppid();
    }

    // --- jnr-ffi, @IgnoreError ---

    @Benchmark
    public long jnrIgnoreErrorWrite() {
        return Jnr.LIBC_NO_ERRNO.write(nullFd, bufAddress, SIZE);
    }

    @Benchmark
    public long jnrIgnoreErrorRead() {
        return Jnr.LIBC_NO_ERRNO.read(zeroFd, bufAddress, SIZE);
    }

    @Benchmark
    public long jnrIgnoreErrorGetppid() {
        return Jnr.LIBC_NO_ERRNO.getppid();
    }

    // --- FFM, no errno ---

    @Benchmark
    public long ffmWrite() throws Throwable {
        return (long) Ffm.WRITE.invokeExact(nullFd, buf, (long) SIZE);
    }

    @Benchmark
    public long ffmRead() throws Throwable {
        return (long) Ffm.READ.invokeExact(zeroFd, buf, (long) SIZE);
    }

    @Benchmark
    public long ffmGetppid() throws Throwable {
        return (int) Ffm.GETPPID.invokeExact();
    }

    // --- FFM, captureCallState("errno") ---

    @Benchmark
    public long ffmErrnoWrite() throws Throwable {
        return ffmChecked((long) Ffm.WRITE_ERRNO.invokeExact(capture, nullFd, buf, (long) SIZE));
    }

    @Benchmark
    public long ffmErrnoRead() throws Throwable {
        return ffmChecked((long) Ffm.READ_ERRNO.invokeExact(capture, zeroFd, buf, (long) SIZE));
    }

    @Benchmark
    public long ffmErrnoGetppid() throws Throwable {
        return (int) Ffm.GETPPID_ERRNO.invokeExact(capture);
    }

    /** One call through one binding ({@code jnr} or {@code ffm}), to see its warnings without JVM flags. */
    public static void main(String[] args) throws Throwable {
        String which = args.length > 0 ? args[0] : "ffm";
        if (which.equals("jnr")) {
            System.out.println("jnr-ffi getppid() = " + Jnr.LIBC.getppid());
        } else {
            System.out.println("FFM getppid() = " + (int) Ffm.GETPPID.invokeExact());
        }
    }
}
