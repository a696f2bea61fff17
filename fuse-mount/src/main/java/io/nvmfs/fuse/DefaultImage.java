package io.nvmfs.fuse;

import java.nio.file.Files;
import java.nio.file.Path;

/** The embedded default namespace: a sparse 4 GiB image under the user's data directory, made on first use. */
final class DefaultImage {
    static final long SIZE = 4L << 30;

    private DefaultImage() {}

    static Path path() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("nvmfs").resolve("default.img");
    }

    /** Creates and formats the default image if it does not exist yet; returns its path. */
    static Path ensure() {
        Path p = path();
        if (!Files.exists(p)) {
            try {
                Files.createDirectories(p.getParent());
            } catch (java.io.IOException e) {
                throw new UserError("cannot create " + p.getParent() + ": " + e.getMessage());
            }
            MkfsCommand.make(p, SIZE, 0, "nvmfs-default", false);
            System.err.println("nvmfs: created the default image " + p + " (4 GiB, sparse)");
        }
        return p;
    }
}
