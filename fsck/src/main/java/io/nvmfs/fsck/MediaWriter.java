package io.nvmfs.fsck;

import io.nvmfs.nvmpg.Media;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import io.nvmfs.core.Le;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * The only way fsck changes the namespace. Before the first change to a page it copies the page
 * to the backup file (when there is one); every change is persisted before the next begins, so
 * an interrupted fsck leaves each structure either old or new, and the backup holds the old.
 *
 * <p>Backup file format (version 1): the 8 bytes {@code NVFSCKB1}, then for each page changed,
 * in the order first changed: its page number (u64, little-endian) and its 4096 bytes as they
 * were. Restoring is writing each page back: {@code dd if=BACKUP bs=1 skip=...} or any small loop.
 */
final class MediaWriter implements AutoCloseable {
    static final byte[] BACKUP_MAGIC = "NVFSCKB1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Media media;
    private final MemorySegment seg;
    private final OutputStream backup;
    private final Set<Long> saved = new HashSet<>();
    private long changes;

    MediaWriter(Media media, OutputStream backup) throws IOException {
        this.media = media;
        this.seg = media.segment();
        this.backup = backup;
        if (backup != null) {
            backup.write(BACKUP_MAGIC);
        }
    }

    /** Call before changing bytes {@code [off, off+len)} other than through this class. */
    void beforeChange(long off, long len) {
        changes++;
        if (backup == null) {
            return;
        }
        for (long page = off >>> 12; page <= (off + len - 1) >>> 12; page++) {
            if (saved.add(page)) {
                try {
                    ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, page);
                    backup.write(header.array());
                    backup.write(seg.asSlice(page << 12, 4096).toArray(ValueLayout.JAVA_BYTE));
                    backup.flush();
                } catch (IOException e) {
                    throw new BackupFailedException("cannot write the backup: " + e.getMessage());
                }
            }
        }
    }

    void persist(long off, long len) {
        media.persist(off, len);
    }

    void putLong(long off, long value) {
        beforeChange(off, 8);
        seg.set(Le.LONG, off, value);
        media.persist(off, 8);
    }

    void putInt(long off, int value) {
        beforeChange(off, 4);
        seg.set(Le.INT, off, value);
        media.persist(off, 4);
    }

    void putShort(long off, short value) {
        beforeChange(off, 2);
        seg.set(Le.SHORT, off, value);
        media.persist(off, 2);
    }

    void putByte(long off, byte value) {
        beforeChange(off, 1);
        seg.set(ValueLayout.JAVA_BYTE, off, value);
        media.persist(off, 1);
    }

    void write(long off, byte[] bytes) {
        beforeChange(off, bytes.length);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, off, bytes.length);
        media.persist(off, bytes.length);
    }

    void zero(long off, long len) {
        beforeChange(off, len);
        seg.asSlice(off, len).fill((byte) 0);
        media.persist(off, len);
    }

    /** Changes made (0 means the namespace is byte-for-byte what fsck found, journal replay aside). */
    long changes() {
        return changes;
    }

    @Override
    public void close() throws IOException {
        if (backup != null) {
            backup.close();
        }
    }

    /** The backup could not be written: fsck must stop before changing anything else. */
    static final class BackupFailedException extends RuntimeException {
        BackupFailedException(String message) {
            super(message);
        }
    }
}
