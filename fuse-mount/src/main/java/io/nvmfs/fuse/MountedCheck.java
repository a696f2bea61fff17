package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Whether a mount process holds the namespace's lock. */
final class MountedCheck {
    private MountedCheck() {}

    static boolean isLocked(Path namespace) {
        try (FileChannel ch = FileChannel.open(namespace, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, false);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
