package io.nvmfs.fuse;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nvmfs umount}: unmounts; the mount process then persists everything and marks the namespace clean. */
@Command(name = "umount", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Unmount an nvmfs mount point (the same as fusermount -u); waits until the namespace is clean.")
final class UmountCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MOUNTPOINT")
    Path mountPoint;

    @Override
    public Integer call() throws Exception {
        Path mp = mountPoint.toAbsolutePath().normalize();
        String ns = Mounts.namespaceAt(mp);
        if (ns == null) {
            throw new UserError(mp + " is not an nvmfs mount point");
        }
        Process p = new ProcessBuilder("fusermount", "-u", mp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new UserError("cannot unmount " + mp + ": " + out);
        }
        Mounts.awaitUnlocked(Path.of(ns));
        return 0;
    }
}
