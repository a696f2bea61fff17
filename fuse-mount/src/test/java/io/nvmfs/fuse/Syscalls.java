package io.nvmfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The system calls the integration tests make on a mount that java.nio cannot: renameat2 with
 * flags, lseek with SEEK_DATA/SEEK_HOLE, syncfs, fallocate modes. Each returns its result or a
 * negative errno.
 */
final class Syscalls {
    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    /** O_TMPFILE as open(2) takes it (__O_TMPFILE | O_DIRECTORY). */
    static final int O_TMPFILE = 020200000;
    static final int O_EXCL = 0200;
    static final int AT_SYMLINK_FOLLOW = 0x400;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int RENAME_NOREPLACE = 1;
    static final int RENAME_EXCHANGE = 2;
    static final int RENAME_WHITEOUT = 4;
    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ESTALE = 116;
    static final int O_DIRECTORY = 0200000;
    /** MAX_HANDLE_SZ: the bytes a struct file_handle may carry. */
    private static final int MAX_HANDLE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;
    private static final MethodHandle RENAMEAT2 = handle("renameat2", FunctionDescriptor.of(INT, INT, ADDR, INT, ADDR, INT));
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(INT, ADDR, INT, INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle LSEEK = handle("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT));
    private static final MethodHandle SYNCFS = handle("syncfs", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(LONG, INT, ADDR, LONG));
    private static final MethodHandle LINKAT = handle("linkat", FunctionDescriptor.of(INT, INT, ADDR, INT, ADDR, INT));
    private static final MethodHandle COPY_FILE_RANGE = handle("copy_file_range",
            FunctionDescriptor.of(LONG, INT, ADDR, INT, ADDR, LONG, INT));
    private static final MethodHandle NAME_TO_HANDLE_AT = handle("name_to_handle_at", FunctionDescriptor.of(INT, INT, ADDR, ADDR, ADDR, INT));
    private static final MethodHandle OPEN_BY_HANDLE_AT = handle("open_by_handle_at", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle PREAD = handle("pread", FunctionDescriptor.of(LONG, INT, ADDR, LONG, LONG));
    private static final MethodHandle FALLOCATE = handle("fallocate", FunctionDescriptor.of(INT, INT, INT, LONG, LONG));

    private Syscalls() {}

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, Linker.Option.captureCallState("errno"));
    }

    private static long result(long r, MemorySegment state) {
        return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
    }

    static int renameat2(Path from, Path to, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) RENAMEAT2.invokeExact(s, AT_FDCWD, a.allocateFrom(from.toString()), AT_FDCWD,
                    a.allocateFrom(to.toString()), flags), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int open(Path p, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) OPEN.invokeExact(s, a.allocateFrom(p.toString()), flags, 0644), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long write(int fd, byte[] data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return result((long) WRITE.invokeExact(s, fd, a.allocateFrom(ValueLayout.JAVA_BYTE, data), (long) data.length), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Gives the file open on {@code fd} the name {@code to} (linkat of /proc/self/fd/FD, following it). */
    static int linkFd(int fd, Path to) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) LINKAT.invokeExact(s, AT_FDCWD, a.allocateFrom("/proc/self/fd/" + fd), AT_FDCWD,
                    a.allocateFrom(to.toString()), AT_SYMLINK_FOLLOW), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** copy_file_range(2) of {@code len} bytes from {@code in} at {@code offIn} to {@code out} at {@code offOut}. */
    static long copyFileRange(int in, long offIn, int out, long offOut, long len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            MemorySegment pin = a.allocateFrom(LONG, offIn);
            MemorySegment pout = a.allocateFrom(LONG, offOut);
            return result((long) COPY_FILE_RANGE.invokeExact(s, in, pin, out, pout, len, 0), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** name_to_handle_at(2): the struct file_handle (handle_bytes u32, handle_type i32, f_handle) of {@code p}. */
    static byte[] nameToHandle(Path p) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            MemorySegment h = a.allocate(8 + MAX_HANDLE, 8);
            h.set(INT, 0, MAX_HANDLE);
            int r = (int) NAME_TO_HANDLE_AT.invokeExact(s, AT_FDCWD, a.allocateFrom(p.toString()), h, a.allocate(INT), 0);
            if (r != 0) {
                throw new IllegalStateException("name_to_handle_at " + p + ": errno " + ERRNO.get(s, 0L));
            }
            return h.asSlice(0, 8 + h.get(INT, 0)).toArray(ValueLayout.JAVA_BYTE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** open_by_handle_at(2) through the mount open on {@code mountFd}: a descriptor or -errno. */
    static int openByHandle(int mountFd, byte[] handle, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) OPEN_BY_HANDLE_AT.invokeExact(s, mountFd, a.allocateFrom(ValueLayout.JAVA_BYTE, handle), flags), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** pread(2) of up to {@code n} bytes at {@code off}: the bytes read. */
    static byte[] pread(int fd, int n, long off) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            MemorySegment b = a.allocate(n);
            long got = result((long) PREAD.invokeExact(s, fd, b, (long) n, off), s);
            if (got < 0) {
                throw new IllegalStateException("pread: errno " + -got);
            }
            return b.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) CLOSE.invokeExact(s, fd), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long lseek(int fd, long offset, int whence) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return result((long) LSEEK.invokeExact(s, fd, offset, whence), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int syncfs(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) SYNCFS.invokeExact(s, fd), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int fallocate(int fd, int mode, long offset, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return (int) result((int) FALLOCATE.invokeExact(s, fd, mode, offset, length), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
