package io.nvmfs.fsck;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The process's own file descriptors, by number, as fsck(8)'s conventions name them: whether
 * one is a terminal (progress is drawn only on a terminal), and writing to one (-C FD).
 *
 * <p>Why not {@link System#console()}: on JDK 22 and later it answers for stdin and stdout
 * together, so with stdout on a terminal and stderr redirected to a file, progress (carriage
 * returns and all) went into the file. isatty(2) asks about the descriptor that is drawn on.
 */
final class Fd {
    private static final int EBADF = 9;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle ISATTY = downcall("isatty", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private Fd() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        MemorySegment fn = LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(fn, fd, Linker.Option.captureCallState("errno"));
    }

    /** Whether descriptor {@code fd} is open and a terminal. */
    static boolean isTerminal(int fd) {
        return isatty(fd) == 1;
    }

    /** Whether descriptor {@code fd} is open (isatty fails with EBADF only for a closed one). */
    static boolean isOpen(int fd) {
        return isatty(fd) != -EBADF;
    }

    /** isatty's answer: 1 for a terminal, otherwise minus the errno it set. */
    private static int isatty(int fd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int r = (int) ISATTY.invokeExact(state, fd);
            return r == 1 ? 1 : -(int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("isatty failed: " + t, t);
        }
    }

    /**
     * A stream writing straight to descriptor {@code fd} with write(2): the descriptor's own open
     * file description (its offset, O_APPEND, a pipe's reader), as the shell set it up, not a
     * reopening of /proc/self/fd/N. Closing the stream leaves the descriptor open.
     */
    static OutputStream output(int fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment state = call.allocate(CALL_STATE);
                    MemorySegment buf = call.allocate(Math.max(1, len));
                    MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, len);
                    long done = 0;
                    while (done < len) {
                        long n = (long) WRITE.invokeExact(state, fd, buf.asSlice(done), (long) len - done);
                        if (n < 0) {
                            int errno = (int) ERRNO.get(state, 0L);
                            if (errno == 4) { // EINTR
                                continue;
                            }
                            throw new IOException("write to descriptor " + fd + ": errno " + errno);
                        }
                        done += n;
                    }
                } catch (IOException | RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IOException("write to descriptor " + fd + " failed: " + t, t);
                }
            }
        };
    }
}
