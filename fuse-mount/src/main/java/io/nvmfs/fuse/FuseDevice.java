package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether this process can use /dev/fuse, asked before a mount changes anything (before the
 * default image is made): the answer is one line with the fix that is true on Debian.
 *
 * <p>libfuse 2 opens /dev/fuse itself, as the calling user, before it considers fusermount
 * (lib/mount.c: a failed open is fatal, "fuse: failed to open /dev/fuse: Permission denied"; the
 * setuid fusermount is used only when the mount(2) that follows is refused). So a user who cannot
 * open the device cannot mount, whatever fusermount's mode. Debian 12 has no {@code fuse} group:
 * its fuse package's udev rule makes the device 0666. The check is the open itself, read-write as
 * libfuse does it, so what it answers is what the mount would meet (a missing node, a mode, a
 * device cgroup, a nodev mount of /dev); opening the device only allocates a connection that
 * closing frees.
 */
final class FuseDevice {
    static final Path DEVICE = Path.of("/dev/fuse");

    private FuseDevice() {}

    /** Throws the one-line user error if this process cannot open {@code dev} read-write. */
    static void check(Path dev) {
        String problem = problem(dev);
        if (problem != null) {
            throw new UserError(problem);
        }
    }

    /** What stops this process from opening {@code dev} read-write, with the fix, or null. */
    static String problem(Path dev) {
        try (FileChannel ignored = FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return null;
        } catch (NoSuchFileException e) {
            return dev + " is missing: the fuse kernel module is not loaded; load it with 'modprobe fuse' (as root),"
                    + " or, in a container, pass the device in";
        } catch (AccessDeniedException e) {
            return dev + " is not accessible to this user (" + System.getProperty("user.name") + "): mount as root,"
                    + " or make it readable and writable by all (chmod 0666 " + dev + ", the mode Debian's fuse package gives it)";
        } catch (FileSystemException e) {
            String why = e.getReason() == null ? "" : e.getReason();
            if (why.contains("No such device") || why.contains("No such device or address")) {
                return dev + " has no driver: the fuse kernel module is not loaded; load it with 'modprobe fuse' (as root)";
            }
            return "cannot open " + dev + " (" + why + "): mount as root, or where the FUSE device may be used"
                    + " (a container needs it passed in)";
        } catch (IOException e) {
            return "cannot open " + dev + ": " + e.getMessage();
        }
    }
}
