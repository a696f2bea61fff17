package io.nvmfs.nvmpg;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A copy-on-write view of a namespace for a check that must not change it (fsck -n): stores land
 * in private pages and never reach the file, whatever happens.
 *
 * <p>Why not {@code FileChannel.map(PRIVATE)}: that maps writable private memory with commit
 * accounting, so the kernel charges the whole namespace against RAM + swap up front and refuses
 * one larger than that ("Map failed" for a 32 GiB namespace on a 24 GiB machine) although a check
 * touches only the pages it repairs in memory. {@code MAP_NORESERVE} charges nothing up front.
 * It also works on a namespace opened read-only (a private writable mapping needs only read
 * access), so a check of a file the user cannot write still sees the journal replayed.
 */
public final class PrivateMapping {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MAP_ANONYMOUS = 0x20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private PrivateMapping() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        MemorySegment fn = SymbolLookup.libraryLookup("libc.so.6", Arena.global()).find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(fn, fd, CAPTURE);
    }

    /**
     * Maps the first {@code size} bytes of {@code path} copy-on-write, unmapped when {@code arena}
     * closes. Read access to the file is enough.
     */
    public static MemorySegment map(Path path, long size, Arena arena) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, call.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open: " + strerror((int) ERRNO.get(state, 0L)));
            }
            try {
                MemorySegment at = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_NORESERVE, fd, 0L);
                if (at.address() == -1L) {
                    throw new IOException("mmap of " + size + " bytes: " + strerror((int) ERRNO.get(state, 0L)));
                }
                long address = at.address();
                return at.reinterpret(size, arena, s -> unmap(address, size));
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd); // the mapping keeps the file
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed: " + t, t);
        }
    }

    /**
     * Zero-filled private memory of {@code size} bytes, no file behind it, unmapped when
     * {@code arena} closes: what mkfs -n formats so that it says what mkfs would make without
     * writing a byte anywhere. Pages cost memory only once written (MAP_NORESERVE), so a dry run
     * of a terabyte namespace takes what its format writes, not a terabyte.
     */
    public static MemorySegment anonymous(long size, Arena arena) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            MemorySegment at = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (at.address() == -1L) {
                throw new IOException("mmap of " + size + " anonymous bytes: " + strerror((int) ERRNO.get(state, 0L)));
            }
            long address = at.address();
            return at.reinterpret(size, arena, s -> unmap(address, size));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed: " + t, t);
        }
    }

    private static void unmap(long address, long size) {
        try (Arena call = Arena.ofConfined()) {
            int ignored = (int) MUNMAP.invokeExact(call.allocate(CALL_STATE), MemorySegment.ofAddress(address), size);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed: " + t, t);
        }
    }

    private static String strerror(int errno) {
        return switch (errno) {
            case 2 -> "no such file or directory";
            case 12 -> "not enough memory (ENOMEM)";
            case 13 -> "permission denied";
            case 19 -> "the device does not support mapping (ENODEV)";
            default -> "errno " + errno;
        };
    }
}
