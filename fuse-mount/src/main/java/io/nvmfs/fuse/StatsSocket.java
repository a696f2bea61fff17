package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the mount process of a mount point answers {@code nvmfs stats}: a Unix domain socket in
 * the user's runtime directory — {@code /run/nvmfs} for root, else {@code $XDG_RUNTIME_DIR/nvmfs}
 * (else {@code /tmp/nvmfs-UID}) — created 0700, so only this user (and root) can connect. The
 * socket is named after the mount point (its path with '/' as '-', as systemd names mount units),
 * or, when that would pass the 108 bytes a socket path may have, after a hash of it.
 */
final class StatsSocket {
    private StatsSocket() {}

    static Path dir() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/nvmfs");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "nvmfs");
        }
        return Path.of("/tmp", "nvmfs-" + uid());
    }

    /** The socket of the mount at {@code mountPoint} (absolute, normalized by the caller). */
    static Path of(Path mountPoint) {
        String name = mountPoint.toString().substring(1).replace("-", "\\x2d").replace('/', '-') + ".sock";
        Path p = dir().resolve(name.equals(".sock") ? "-.sock" : name);
        if (p.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(mountPoint.toString().getBytes(StandardCharsets.UTF_8));
                p = dir().resolve(HexFormat.of().formatHex(h, 0, 16) + ".sock");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return p;
    }

    /** Makes the runtime directory (0700) if it is missing. */
    static void makeDir() throws IOException {
        Path d = dir();
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")); // owned by this process's uid
        } catch (IOException | RuntimeException e) {
            return System.getProperty("user.name");
        }
    }
}
