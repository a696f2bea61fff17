package io.nvmfs.fuse;

import java.nio.file.Path;

/**
 * The one mount(2) nvmfs makes itself: the remount right after fuse_mount that sets the flags
 * libfuse 2.9 does not know ({@link MountFlags#remountFlags}). It sends the filesystem no request
 * (none could be answered yet: the serving threads start after it). Also whether this process is
 * root, the test libfuse makes to mount directly rather than through fusermount.
 */
final class KernelMount {
    private KernelMount() {}

    static boolean root() {
        return NativeIo.geteuid() == 0;
    }

    /** mount(2) of nothing new on {@code mountPoint} with {@code flags} (MS_REMOUNT and the rest); UserError on failure. */
    static void remount(Path mountPoint, long flags) {
        int r = NativeIo.remount(mountPoint.toString(), flags);
        if (r != 0) {
            throw new UserError("cannot set the mount flags of " + mountPoint + " (remount: " + NativeIo.strerror(-r) + ")");
        }
    }
}
