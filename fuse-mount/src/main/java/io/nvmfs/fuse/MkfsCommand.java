package io.nvmfs.fuse;

import io.nvmfs.core.FsException;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NamespaceOpenException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nvmfs mkfs}: makes a filesystem, creating a sparse image file when asked for a size. */
@Command(name = "mkfs", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Make an nvmfs filesystem on a namespace (an image file, a file on DAX, or /dev/daxN.M).")
final class MkfsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAMESPACE", description = "Image file or device-DAX namespace.")
    Path namespace;

    @Option(names = "--size", paramLabel = "SIZE",
            description = "Create NAMESPACE as a sparse file of SIZE (4G, 512M, 1T); needed when it does not exist.")
    String size;

    @Option(names = "--journal-size", paramLabel = "SIZE",
            description = "Metadata journal size (a power of two, 8K..4G); default 1/256 of the namespace, 256K..64M.")
    String journalSize;

    @Option(names = "--label", description = "Label, at most 31 bytes (default: nvmfs).", defaultValue = "nvmfs")
    String label;

    @Option(names = "--force", description = "Overwrite a namespace that already holds a filesystem or other data.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        make(namespace, size == null ? 0 : Sizes.parse(size), journalSize == null ? 0 : journalOrder(Sizes.parse(journalSize)),
                label, force);
        System.out.println("nvmfs: made a filesystem on " + namespace + " (inodes: " + InodeLimit.growth() + ")");
        return 0;
    }

    static int journalOrder(long bytes) {
        long pages = bytes >>> 12;
        if (pages < 2 || Long.bitCount(pages) != 1 || pages > (1L << 20)) {
            throw new UserError("journal size " + bytes + " must be a power of two between 8K and 4G");
        }
        return 63 - Long.numberOfLeadingZeros(pages);
    }

    /**
     * Creates (if {@code size} > 0 and missing) and formats; refuses to overwrite without
     * {@code force}, and refuses a mounted namespace whatever the flags (as mke2fs does): it
     * holds the mount lock from before the first check until the format is done, so no mount can
     * start in between either.
     */
    static void make(Path ns, long size, int journalOrder, String label, boolean force) {
        boolean exists = Files.exists(ns);
        if (!exists && size == 0) {
            throw new UserError("namespace " + ns + " does not exist; give --size to create it (e.g. --size 4G)");
        }
        // Map first, lock second (see NamespaceLock).
        try (Namespace n = exists ? Namespace.open(ns) : Namespace.create(ns, size);
             NamespaceLock lock = NamespaceLock.tryAcquire(ns)) {
            if (lock == null) {
                String mp = Mounts.mountPointOf(ns);
                throw new UserError(ns + " is mounted" + (mp == null ? "" : " on " + mp)
                        + "; will not make a filesystem here (unmount it first)");
            }
            if (exists && !force && !blank(n)) {
                throw new UserError("namespace " + ns + " is not empty (it holds a filesystem or other data);"
                        + " add --force to overwrite it");
            }
            Mkfs.format(n.media(), label, journalOrder, TimeSource.SYSTEM);
        } catch (NamespaceOpenException e) {
            throw new UserError(e.getMessage());
        } catch (FsException e) {
            throw new UserError("cannot make a filesystem on " + ns + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError("cannot lock " + ns + ": " + e.getMessage());
        }
    }

    /** No byte set in either superblock page: nothing an earlier format (of any kind) would lose there. */
    private static boolean blank(Namespace n) {
        var s = n.media().segment();
        long last = (n.media().pages() - 1) << 12;
        for (long base : new long[] {4096, last}) {
            for (long off = 0; off < 4096; off += 8) {
                if (s.get(ValueLayout.JAVA_LONG_UNALIGNED, base + off) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
