package io.nvmfs.fuse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Where a mount logs, and the installing of that log as java.util.logging's only handler (so
 * fs-core's and fuse-mount's loggers, and the mount's own events, all land there in
 * {@link LogLine}'s format).
 *
 * <p>One file per namespace, appended to by every mount of it: {@code
 * $XDG_STATE_HOME/nvmfs/NAME.log}; without XDG_STATE_HOME (unset, empty or relative, the XDG
 * rules) {@code /var/log/nvmfs/NAME.log} for root and {@code $HOME/.local/state/nvmfs/NAME.log}
 * for anyone else. A set XDG_STATE_HOME wins for root too: it is what a test or a user's own
 * session asks for. NAME is the image's file name and 8 hex digits of the SHA-256 of its
 * absolute path, so two images named fs.img in different directories never share a log, and the
 * same image always finds its own.
 */
final class MountLog {
    static final String LOGGER = "io.nvmfs";

    private MountLog() {}

    static Path path(Path namespace) {
        return path(namespace, System.getenv(), System.getProperty("user.home"), KernelMount.root());
    }

    static Path path(Path namespace, Map<String, String> env, String passwdHome, boolean root) {
        String xdg = env.get("XDG_STATE_HOME");
        Path dir;
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            dir = Path.of(xdg, "nvmfs");
        } else if (root) {
            dir = Path.of("/var/log/nvmfs");
        } else {
            String home = env.get("HOME");
            dir = Path.of(home != null && !home.isBlank() ? home : passwdHome, ".local", "state", "nvmfs");
        }
        return dir.resolve(name(namespace) + ".log");
    }

    /** The image's file name and a short hash of its absolute, normalized path. */
    static String name(Path namespace) {
        Path abs = namespace.toAbsolutePath().normalize();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(abs.toString().getBytes(StandardCharsets.UTF_8));
            Path file = abs.getFileName();
            return (file == null ? "root" : file.toString()) + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Logs to {@code file} (rotated: {@link RotatingLog}) from now on; a user error if it cannot be opened. */
    static void toFile(Path file, boolean debug) {
        try {
            install(new RotatingLog(file, RotatingLog.LIMIT, RotatingLog.KEEP), debug);
        } catch (IOException e) {
            throw new UserError("cannot open the mount log " + file + ": " + e.getMessage());
        }
    }

    /**
     * Appends one line to {@code file} from a process that does not log there otherwise: a mount
     * refused before the JVM that would serve it starts. One write(2) of the whole line with
     * O_APPEND, so it lands whole after whatever a serving JVM of the namespace wrote; not
     * rotated (the serving JVM rotates at its next line). Best effort: a log that cannot be
     * written loses the line, and the error is still shown on stderr.
     */
    static void append(Path file, Level level, String message) {
        try {
            Files.createDirectories(file.getParent());
            byte[] line = new LogLine().format(new LogRecord(level, message)).getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                out.write(line);
            }
        } catch (IOException | RuntimeException e) {
            // nowhere to log that the log cannot be written: the caller prints the error anyway
        }
    }

    /** Logs to stderr from now on (a foreground mount: whoever started it reads or collects stderr). */
    static void toStderr(boolean debug) {
        StreamHandler h = new StreamHandler(System.err, new LogLine()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord r) {
                super.publish(r);
                flush(); // one event, one line, now: a foreground mount's stderr is read as it happens
            }
        };
        install(h, debug);
    }

    private static void install(Handler h, boolean debug) {
        Level level = debug ? Level.FINE : Level.INFO;
        h.setLevel(level);
        Logger root = Logger.getLogger("");
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
        }
        root.addHandler(h);
        root.setLevel(level);
    }
}
