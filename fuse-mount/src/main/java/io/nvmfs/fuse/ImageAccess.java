package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who besides its owner can read or write a namespace image. The image holds every file's
 * contents and metadata, whatever their own permissions say, so group or other access to it is
 * access to all of them: mkfs creates images 0600 ({@code Namespace.create}), and {@code info}
 * and {@code mount} warn about an existing one that is wider. Only regular files are looked at:
 * a device-DAX namespace's mode is udev's business.
 */
final class ImageAccess {
    private static final int GROUP_OR_OTHER_READ_WRITE = 0066;

    private ImageAccess() {}

    /** The one-line warning for {@code namespace}, or null when it is private (or not a regular file, or unreadable). */
    static String warning(Path namespace) {
        try {
            if (!Files.isRegularFile(namespace)) {
                return null;
            }
            int mode = (Integer) Files.getAttribute(namespace, "unix:mode") & 07777; // a symlink's target's
            if ((mode & GROUP_OR_OTHER_READ_WRITE) == 0) {
                return null;
            }
            return "warning: " + namespace + " is " + who(mode) + " (mode " + String.format("%04o", mode)
                    + "), so every file in it is too, whatever its own permissions; chmod 600 " + namespace;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // not a reason to refuse anything: the command's own checks report what matters
        }
    }

    /** Prints {@link #warning} on stderr, if there is one. */
    static void warn(Path namespace) {
        String w = warning(namespace);
        if (w != null) {
            System.err.println("nvmfs: " + w);
        }
    }

    /** "readable and writable by its group, readable by others", from the mode's group and other bits. */
    private static String who(int mode) {
        String group = access(mode >> 3, "its group");
        String other = access(mode, "others");
        return group == null ? other : other == null ? group : group + ", " + other;
    }

    /** The r and w bits of one class ({@code bits}' low three), or null if neither is set. */
    private static String access(int bits, String whom) {
        boolean read = (bits & 4) != 0;
        boolean write = (bits & 2) != 0;
        if (!read && !write) {
            return null;
        }
        return (read && write ? "readable and writable" : read ? "readable" : "writable") + " by " + whom;
    }
}
