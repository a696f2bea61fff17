package io.nvmfs.fuse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A log file appended to across mounts and rotated by size: before a line would take the file
 * past {@code limit} bytes it becomes {@code NAME.1} (NAME.1 becomes NAME.2, ... and NAME.KEEP is
 * dropped), and a new NAME is started. Each line is written and flushed whole, so a crash of the
 * mount JVM loses no logged event and leaves no partial line but the one being written. Only the
 * JVM serving the namespace writes its log through this class (the namespace lock makes it one),
 * so renaming under other writers never happens; a mount refused before its serving JVM starts
 * appends its one line without rotating ({@link MountLog#append}). Not java.util.logging's FileHandler: it names generations
 * NAME.0, NAME.1 (no plain NAME) and leaves NAME.lck files behind after a kill -9.
 */
final class RotatingLog extends Handler {
    static final long LIMIT = 1 << 20;
    static final int KEEP = 3;

    private final Path file;
    private final long limit;
    private final int keep;
    private OutputStream out;
    private long size;

    RotatingLog(Path file, long limit, int keep) throws IOException {
        this.file = file;
        this.limit = limit;
        this.keep = keep;
        Files.createDirectories(file.getParent());
        open();
        setFormatter(new LogLine());
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (!isLoggable(r)) {
            return;
        }
        byte[] line;
        try {
            line = getFormatter().format(r).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        try {
            if (size > 0 && size + line.length > limit) {
                rotate();
            }
            out.write(line);
            out.flush();
            size += line.length;
        } catch (IOException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(generation(keep));
        for (int g = keep - 1; g >= 1; g--) {
            if (Files.exists(generation(g))) {
                Files.move(generation(g), generation(g + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, generation(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    Path generation(int g) {
        return file.resolveSibling(file.getFileName() + "." + g);
    }

    @Override
    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            reportError(null, e, ErrorManager.FLUSH_FAILURE);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            reportError(null, e, ErrorManager.CLOSE_FAILURE);
        }
    }
}
