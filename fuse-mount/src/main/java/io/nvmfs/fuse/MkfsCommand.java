package io.nvmfs.fuse;

import io.nvmfs.core.FsException;
import io.nvmfs.core.FsInfo;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.TimeSource;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NamespaceOpenException;
import io.nvmfs.nvmpg.NamespaceSize;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.Persistence;
import io.nvmfs.nvmpg.PrivateMapping;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nvmfs mkfs}: makes a filesystem, creating a sparse image file when asked for a size, and
 * says what it made as mkfs.ext4 does (UUID, label, size, journal, inodes) unless {@code -q}.
 * {@code -n} formats nothing: it runs the same checks and the same format into anonymous memory
 * and prints what that made, so a dry run fails exactly where mkfs would.
 */
@Command(name = "mkfs", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Make an nvmfs filesystem on a namespace (an image file, a file on DAX, or /dev/daxN.M).")
final class MkfsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAMESPACE", description = "Image file or device-DAX namespace.")
    Path namespace;

    @Option(names = "--size", paramLabel = "SIZE",
            description = {"Create NAMESPACE as a sparse file of SIZE (4G, 512M, 1T); needed when it does not exist.",
                    "An existing file must be that size already, or smaller with --force (it is grown, sparse);"
                            + " a device's size cannot be changed."})
    String size;

    @Option(names = "--journal-size", paramLabel = "SIZE",
            description = "Metadata journal size (a power of two, 8K..4G); default 1/256 of the namespace, 256K..64M.")
    String journalSize;

    @Option(names = {"-L", "--label"}, paramLabel = "LABEL", description = "Label, at most 31 bytes (default: nvmfs).",
            defaultValue = "nvmfs")
    String label;

    @Option(names = "--force", description = "Overwrite a namespace that already holds a filesystem or other data;"
            + " with --size, grow a smaller image file first.")
    boolean force;

    @Option(names = {"-n", "--dry-run"}, description = "Say what would be made; write nothing, create no file.")
    boolean dryRun;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Made made = make(namespace, size == null ? 0 : Sizes.parse(size),
                journalSize == null ? 0 : journalOrder(Sizes.parse(journalSize)), label, force, dryRun);
        if (!quiet) {
            System.out.print(made.summary(dryRun));
        }
        return 0;
    }

    static int journalOrder(long bytes) {
        long pages = bytes >>> 12;
        if (pages < 2 || Long.bitCount(pages) != 1 || pages > (1L << 20)) {
            throw new UserError("journal size " + bytes + " must be a power of two between 8K and 4G");
        }
        return 63 - Long.numberOfLeadingZeros(pages);
    }

    /** What was made (or would be), read back from the formatted bytes, not recomputed. */
    record Made(Path namespace, UUID uuid, String label, long bytes, long pages, long journalBytes, long inodesNow) {
        static Made readBack(Path ns, Media media) throws NvmpgException, FsException {
            NvmPages pg = NvmPages.attachReadOnly(media);
            FsInfo fi = FsInfo.read(media, pg);
            return new Made(ns, pg.superblock().uuid(), pg.superblock().label(), media.size(), pg.stats().totalPages(),
                    fi.journalBytes(), fi.inodeCapacity());
        }

        /** The lines mkfs prints, in the key column layout of {@code nvmfs info}. */
        String summary(boolean dryRun) {
            return (dryRun ? "nvmfs: would make a filesystem on " + namespace + " (dry run: nothing written)\n"
                            : "nvmfs: made a filesystem on " + namespace + "\n")
                    + "uuid           " + (dryRun ? "(a random one, chosen when it is made)" : uuid.toString()) + "\n"
                    + "label          " + label + "\n"
                    + "size           " + bytes + " bytes (" + pages + " pages of 4 KiB)\n"
                    + "journal        " + journalBytes + " bytes (" + (journalBytes >>> 12) + " pages)\n"
                    + String.format(Locale.ROOT, "inodes         %s (%d in it now)%n", InodeLimit.growth(), inodesNow);
        }
    }

    /** The default image's format: no summary, no dry run. */
    static void make(Path ns, long size, int journalOrder, String label, boolean force) {
        make(ns, size, journalOrder, label, force, false);
    }

    /**
     * Creates (if {@code size} > 0 and missing), grows (a smaller regular file, with {@code force})
     * and formats; refuses to overwrite without {@code force}, and refuses a mounted namespace
     * whatever the flags (as mke2fs does): it holds the mount lock from before the first check
     * until the format is done, so no mount can start in between either. With {@code dryRun} it
     * makes every check and formats anonymous memory of the namespace's size instead.
     */
    static Made make(Path ns, long size, int journalOrder, String label, boolean force, boolean dryRun) {
        boolean exists = Files.exists(ns);
        if (!exists && size == 0) {
            throw new UserError("namespace " + ns + " does not exist; give --size to create it (e.g. --size 4G)");
        }
        if (exists && Mounts.isLocked(ns)) {
            throw mounted(ns); // first, whatever else is wrong with the arguments (the lock below keeps it so)
        }
        boolean grow = exists && size > 0 && needsToGrow(ns, size & ~4095L, force);
        UUID uuid = UUID.randomUUID();
        try {
            if (dryRun) {
                return dryRun(ns, exists, size & ~4095L, journalOrder, label, force, uuid);
            }
            if (grow) {
                try (NamespaceLock lock = NamespaceLock.tryAcquire(ns)) {
                    if (lock == null) {
                        throw mounted(ns);
                    }
                    lock.growTo(size & ~4095L);
                }
            }
            // Map first, lock second (see NamespaceLock).
            try (Namespace n = exists ? Namespace.open(ns) : Namespace.create(ns, size);
                 NamespaceLock lock = NamespaceLock.tryAcquire(ns)) {
                if (lock == null) {
                    throw mounted(ns);
                }
                if (exists && !force && !blank(n.media())) {
                    throw notEmpty(ns);
                }
                Mkfs.format(n.media(), label, journalOrder, TimeSource.SYSTEM, uuid);
                return Made.readBack(ns, n.media());
            }
        } catch (NamespaceOpenException e) {
            throw new UserError(e.getMessage());
        } catch (FsException | NvmpgException e) {
            throw new UserError("cannot make a filesystem on " + ns + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError("cannot lock " + ns + ": " + e.getMessage());
        }
    }

    /**
     * {@code --size} on an existing namespace: mkfs uses a namespace whole, so SIZE must be its
     * size; a smaller regular file grows to it (sparse) with {@code --force}. Returns whether it
     * must grow; refuses a larger file (nvmfs would use all of it) and any change to a device.
     */
    private static boolean needsToGrow(Path ns, long want, boolean force) {
        if (!Files.isRegularFile(ns)) {
            long have = -1;
            try (FileChannel ch = FileChannel.open(ns, StandardOpenOption.READ)) {
                have = NamespaceSize.of(ns, ch) & ~4095L;
            } catch (IOException | NamespaceOpenException e) {
                // unknown: not the size asked
            }
            if (have == want) {
                return false;
            }
            throw new UserError(ns + " is a device" + (have < 0 ? "" : " of " + have + " bytes") + ": --size cannot change"
                    + " its size; drop --size (mkfs uses the whole device)");
        }
        long have;
        try {
            have = Files.size(ns) & ~4095L;
        } catch (IOException e) {
            throw new UserError("cannot read the size of " + ns + ": " + e.getMessage());
        }
        if (have == want) {
            return false;
        }
        if (have > want) {
            throw new UserError(ns + " is " + have + " bytes, larger than --size " + want + ": mkfs uses the whole file;"
                    + " drop --size, or shrink it first (truncate -s " + want + " " + ns + ")");
        }
        if (!force) {
            throw new UserError(ns + " is " + have + " bytes, smaller than --size " + want + "; add --force to grow it"
                    + " (sparse) and make the filesystem on it");
        }
        return true;
    }

    /** -n: the checks mkfs makes, then the same format into anonymous memory of the namespace's size. */
    private static Made dryRun(Path ns, boolean exists, long size, int journalOrder, String label, boolean force, UUID uuid)
            throws IOException, NamespaceOpenException, FsException, NvmpgException {
        long min = io.nvmfs.nvmpg.Layout.MIN_PAGES * 4096L;
        try (Arena arena = Arena.ofShared()) {
            long bytes = size;
            if (exists) {
                try (FileChannel ch = FileChannel.open(ns, StandardOpenOption.READ)) {
                    long have = NamespaceSize.of(ns, ch) & ~4095L;
                    bytes = Math.max(have, size); // a file --force would grow; otherwise the two are equal
                    if (bytes < min) {
                        throw new UserError("namespace " + ns + ": " + bytes + " bytes is too small; nvmpg needs at least " + min + " bytes");
                    }
                    if (!force && !blank(Media.ofMemory(PrivateMapping.map(ns, have, arena), Persistence.NONE))) {
                        throw notEmpty(ns);
                    }
                }
            } else {
                Path dir = ns.toAbsolutePath().getParent();
                if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                    throw new UserError("namespace " + ns + ": cannot create: " + dir
                            + (Files.isDirectory(dir) ? " is not writable" : " is not a directory"));
                }
                if (bytes < min) {
                    throw new UserError("namespace " + ns + ": size " + bytes + " bytes is too small; nvmpg needs at least " + min + " bytes");
                }
            }
            Media media = Media.ofMemory(PrivateMapping.anonymous(bytes, arena), Persistence.NONE);
            Mkfs.format(media, label, journalOrder, TimeSource.SYSTEM, uuid);
            return Made.readBack(ns, media);
        }
    }

    private static UserError mounted(Path ns) {
        String mp = Mounts.mountPointOf(ns);
        return new UserError(ns + " is mounted" + (mp == null ? "" : " on " + mp)
                + "; will not make a filesystem here (unmount it first)");
    }

    private static UserError notEmpty(Path ns) {
        return new UserError("namespace " + ns + " is not empty (it holds a filesystem or other data);"
                + " add --force to overwrite it");
    }

    /** No byte set in either superblock page: nothing an earlier format (of any kind) would lose there. */
    private static boolean blank(Media media) {
        var s = media.segment();
        long last = (media.pages() - 1) << 12;
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
