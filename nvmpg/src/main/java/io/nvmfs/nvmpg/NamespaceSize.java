package io.nvmfs.nvmpg;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Size of a namespace. A regular file reports its own length; a device-DAX character device
 * reports 0 through the file API, so its size is read from sysfs ({@code /sys/dev/char/MAJ:MIN/size}).
 */
public final class NamespaceSize {
    private NamespaceSize() {}

    public static long of(Path path, FileChannel channel) throws IOException, NamespaceOpenException {
        if (Files.isRegularFile(path)) {
            return channel.size();
        }
        Object rdev = Files.getAttribute(path, "unix:rdev");
        if (!(rdev instanceof Long dev) || dev == 0) {
            throw new NamespaceOpenException("namespace " + path + ": neither a regular file nor a character device");
        }
        // Linux dev_t encoding (glibc gnu_dev_major/minor).
        long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
        long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
        Path sysfs = Path.of("/sys/dev/char/" + major + ":" + minor + "/size");
        if (!Files.isReadable(sysfs)) {
            throw new NamespaceOpenException("namespace " + path + ": character device " + major + ":" + minor
                    + " is not a device-DAX namespace (no " + sysfs + ")");
        }
        try {
            return Long.parseLong(Files.readString(sysfs).trim());
        } catch (NumberFormatException e) {
            throw new NamespaceOpenException("namespace " + path + ": unreadable size in " + sysfs);
        }
    }
}
