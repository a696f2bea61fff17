package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * What the kernel says is mounted (/proc/self/mounts), and the namespace lock a mount process
 * holds from mapping its namespace until everything is persisted and marked clean.
 */
final class Mounts {
    private Mounts() {}

    /** The mount at {@code mp}: its source and type, or null when nothing is mounted there. */
    private record Entry(String source, String type) {
    }

    private static Entry at(Path mp) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length >= 3 && unescape(f[1]).equals(mp.toString())) {
                    return new Entry(unescape(f[0]), f[2]);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UserError("cannot read /proc/self/mounts: " + e.getMessage());
        }
    }

    /** The namespace (fsname) of the nvmfs mount at {@code mp}, or null if none is mounted there. */
    static String namespaceAt(Path mp) {
        Entry e = at(mp);
        return e != null && e.type().equals("fuse.nvmfs") ? e.source() : null;
    }

    static boolean isNvmfsMount(Path mp) {
        return namespaceAt(mp) != null;
    }

    static boolean isMountPoint(Path mp) {
        return at(mp) != null;
    }

    /** What the kernel lists for a mount: its per-mount options and its superblock options. */
    record Options(Set<String> mount, Set<String> superblock) {
    }

    /**
     * The options of the mount at {@code mp} (the last one there, the visible one) from
     * /proc/self/mountinfo, or null when nothing is mounted there. Reads no file of the mount.
     */
    static Options optionsAt(Path mp) {
        Options found = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // id parent major:minor root mountpoint mount-options [optional fields] - type source super-options
                String[] f = line.split(" ");
                int dash = line.indexOf(" - ");
                if (f.length > 5 && dash > 0 && unescape(f[4]).equals(mp.toString())) {
                    String[] tail = line.substring(dash + 3).split(" ");
                    found = new Options(Set.copyOf(Arrays.asList(f[5].split(","))),
                            tail.length > 2 ? Set.copyOf(Arrays.asList(tail[2].split(","))) : Set.of());
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read /proc/self/mountinfo: " + e.getMessage());
        }
        return found;
    }

    /** /proc/mounts escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * Whether some process holds the namespace's mount lock ({@link NamespaceLock}; a failure to
     * look counts as no). Not for a process that holds it itself: testing closes a descriptor.
     * Tested with a shared lock through an O_RDONLY descriptor, which the mount's exclusive lock
     * refuses just as it refuses another exclusive one: so it needs only read access, and works on
     * an image this user cannot write (info of a 0400 image).
     */
    static boolean isLocked(Path namespace) {
        try (FileChannel ch = FileChannel.open(namespace, StandardOpenOption.READ)) {
            try (FileLock l = ch.tryLock(0, Long.MAX_VALUE, true)) {
                return l == null;
            } catch (OverlappingFileLockException heldByThisProcess) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Where the namespace is mounted (the fsname nvmfs gives the kernel is its absolute path), or null. */
    static String mountPointOf(Path namespace) {
        String source = namespace.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length >= 3 && f[2].equals("fuse.nvmfs") && unescape(f[0]).equals(source)) {
                    return unescape(f[1]);
                }
            }
        } catch (IOException e) {
            // unknown: the caller says "mounted" without where
        }
        return null;
    }

    /** Waits (at most 5 minutes) until no process holds the namespace's mount lock: everything is persisted. */
    static void awaitUnlocked(Path namespace) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!isLocked(namespace)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new UserError("the mount of " + namespace + " did not finish within 5 minutes");
    }
}
