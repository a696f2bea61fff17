package io.nvmfs.fuse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded default namespace: a sparse 4 GiB image under the user's data directory, made on
 * first use by {@code nvmfs mount MOUNTPOINT}; {@code info} and {@code fsck} without a NAMESPACE
 * name it too.
 *
 * <p>Where it lives follows the XDG base directory rules as a shell user expects them:
 * {@code $XDG_DATA_HOME/nvmfs/default.img}, else {@code $HOME/.local/share/nvmfs/default.img}.
 * {@code $HOME} is read from the environment, not from the passwd entry (Java's
 * {@code user.home}), so {@code HOME=/x nvmfs mount ~/nvmfs} uses /x as every other tool would;
 * {@code user.home} is the fallback only when HOME is unset (env -i, some daemons).
 */
final class DefaultImage {
    static final long SIZE = 4L << 30;

    private DefaultImage() {}

    static Path path() {
        return path(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The default image's path for an environment. The XDG rules: an unset or empty
     * XDG_DATA_HOME means the default, and so does a relative one ("all paths set in these
     * environment variables must be absolute; a relative path should be ignored").
     */
    static Path path(Map<String, String> env, String passwdHome) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base;
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else {
            String home = env.get("HOME");
            base = Path.of(home != null && !home.isBlank() ? home : passwdHome, ".local", "share");
        }
        return base.resolve("nvmfs").resolve("default.img");
    }

    /**
     * The default image for a command that only reads one ({@code info}): its path, or a user
     * error saying that it does not exist yet and what makes it.
     */
    static Path existing() {
        Path p = path();
        if (!Files.exists(p)) {
            throw new UserError("no NAMESPACE given, and the default image " + p
                    + " does not exist yet ('nvmfs mount MOUNTPOINT' makes it)");
        }
        return p;
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
