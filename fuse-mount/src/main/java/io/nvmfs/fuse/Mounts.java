package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** What the kernel says is mounted (/proc/self/mounts), and waiting for a mount to finish. */
final class Mounts {
    private Mounts() {}

    /** The namespace (fsname) of the nvmfs mount at {@code mp}, or null if none is mounted there. */
    static String namespaceAt(Path mp) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length >= 3 && unescape(f[1]).equals(mp.toString()) && f[2].equals("fuse.nvmfs")) {
                    return unescape(f[0]);
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read /proc/self/mounts: " + e.getMessage());
        }
        return null;
    }

    static boolean isNvmfsMount(Path mp) {
        return namespaceAt(mp) != null;
    }

    static boolean isMountPoint(Path mp) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/mounts"));
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length >= 2 && unescape(f[1]).equals(mp.toString())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
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

    /** Takes the exclusive lock that marks a namespace as mounted; null when another process holds it. */
    static FileLock lock(FileChannel ch) throws IOException {
        return ch.tryLock();
    }

    /** Waits (at most 5 minutes) until no process holds the namespace's mount lock: everything is persisted. */
    static void awaitUnlocked(Path namespace) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (FileChannel ch = FileChannel.open(namespace, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock l = ch.tryLock();
                if (l != null) {
                    l.release();
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new UserError("the mount of " + namespace + " did not finish within 5 minutes");
    }
}
