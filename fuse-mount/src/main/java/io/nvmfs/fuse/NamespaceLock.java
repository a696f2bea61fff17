package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The mount lock: an exclusive fcntl lock on the whole namespace, held by a mount process from
 * mapping the namespace until everything is persisted and it is marked clean. Whatever writes a
 * namespace as a whole takes it first and refuses a namespace someone else holds: mount (a second
 * mount), mkfs (formatting under a mount), fsck -y/-p (its own copy of this code, in the fsck
 * module). {@code nvmfs info} and {@code umount} only test it ({@link Mounts#isLocked}).
 *
 * <p>fcntl locks belong to the process, and closing any descriptor of the file drops all of them;
 * so take this after mapping the namespace (mapping opens and closes a descriptor), and open no
 * other descriptor of it while holding the lock.
 */
final class NamespaceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private NamespaceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or returns null if any process (this one included) already holds it. */
    static NamespaceLock tryAcquire(Path namespace) throws IOException {
        FileChannel ch = FileChannel.open(namespace, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock l = ch.tryLock();
            if (l != null) {
                return new NamespaceLock(ch, l);
            }
        } catch (OverlappingFileLockException heldByThisProcess) {
            // fall through: held
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        ch.close();
        return null;
    }

    /**
     * Extends the namespace file to {@code bytes}, sparse (one zero byte written at the end, as
     * Namespace.create does), through the locked descriptor itself: opening another would drop
     * the lock. Only a regular file can grow; the caller has checked that it is one.
     */
    void growTo(long bytes) throws IOException {
        channel.write(java.nio.ByteBuffer.wrap(new byte[1]), bytes - 1);
        channel.force(true);
    }

    /** Releases the lock (closing its descriptor releases it in any case). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
