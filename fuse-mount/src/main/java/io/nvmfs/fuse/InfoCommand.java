package io.nvmfs.fuse;

import io.nvmfs.core.Errno;
import io.nvmfs.core.FsException;
import io.nvmfs.core.FsInfo;
import io.nvmfs.fsck.Json;
import io.nvmfs.nvmpg.AllocatorStats;
import io.nvmfs.nvmpg.CorruptNamespaceException;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.Owner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nvmfs info}: format version, sizes, mapping mode, owners, free blocks per order,
 * journal, inodes, clean state. It maps the namespace read-only (an O_RDONLY descriptor, a
 * read-only segment), so it works on an image nobody may write and can never change one.
 */
@Command(name = "info", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Describe a namespace (mounted or not, or the one mounted on a mount point); writes nothing.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE",
            description = "Image file or device-DAX namespace, or the mount point of a mounted nvmfs (default: the default image,"
                    + " $${XDG_DATA_HOME:-$HOME/.local/share}/nvmfs/default.img).")
    Path namespace;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (namespace == null) {
            namespace = DefaultImage.existing();
        } else if (Files.isDirectory(namespace)) {
            namespace = mounted(namespace);
        }
        ImageAccess.warn(namespace);
        try (Namespace ns = Namespace.openReadOnly(namespace)) {
            NvmPages pg = NvmPages.attachReadOnly(ns.media());
            AllocatorStats st = pg.stats();
            FsInfo fi = FsInfo.read(ns.media(), pg);
            boolean mounted = Mounts.isLocked(namespace);
            String mountPoint = mounted ? Mounts.mountPointOf(namespace) : null; // null also when not found
            System.out.print(json ? json(ns, pg, st, fi, mounted, mountPoint) : text(ns, pg, st, fi, mounted, mountPoint));
            return 0;
        } catch (CorruptNamespaceException e) {
            throw corrupt(e);
        } catch (FsException e) {
            // FsInfo.read fails only on what it found wrong on the media (EIO) or on a namespace with no filesystem.
            throw e.errno() == Errno.EIO ? corrupt(e) : new UserError(namespace + ": " + e.getMessage());
        } catch (NvmpgException e) {
            throw new UserError(namespace + ": " + e.getMessage());
        }
    }

    /**
     * The namespace mounted on directory {@code dir}: the source of the fuse.nvmfs mount there,
     * which is the namespace's absolute path (the fsname {@code Session} gives the kernel).
     */
    private static Path mounted(Path dir) {
        String source = Mounts.namespaceAt(dir.toAbsolutePath().normalize());
        if (source == null) {
            throw new UserError(dir + ": is a directory with no nvmfs mounted on it; give an image file,"
                    + " a DAX device or the mount point of an nvmfs");
        }
        return Path.of(source);
    }

    /** A refused image: what is wrong (one line, exit 1 as before), then one line saying how to check it. */
    private UserError corrupt(Exception e) {
        System.err.println("nvmfs: " + namespace + ": " + e.getMessage());
        return new UserError("the namespace looks corrupt; check it with 'nvmfs fsck -f -n " + namespace
                + "' (-p or -y to repair)");
    }

    private static String text(Namespace ns, NvmPages pg, AllocatorStats st, FsInfo fi, boolean mounted, String mountPoint) {
        StringBuilder b = new StringBuilder();
        b.append("namespace      ").append(ns.path()).append('\n');
        b.append("format         nvmfs v").append(fi.version()).append(", nvmpg v").append(pg.superblock().version()).append('\n');
        b.append("uuid           ").append(pg.superblock().uuid()).append('\n');
        b.append("label          ").append(pg.superblock().label()).append('\n');
        b.append("size           ").append(ns.size()).append(" bytes (").append(Sizes.human(ns.size())).append(", ")
                .append(st.totalPages()).append(" pages of 4 KiB)\n");
        b.append("mapping        ").append(ns.mode().description()).append('\n');
        b.append("created        ").append(time(pg.superblock().formatTimeMillis())).append('\n');
        b.append("last mounted   ").append(time(fi.lastMountMillis())).append('\n');
        b.append("mount count    ").append(fi.mountCount()).append('\n');
        b.append("state          ").append(mounted ? mountPoint == null ? "mounted" : "mounted on " + mountPoint
                : fi.clean() ? "clean" : "dirty (not cleanly unmounted: the next mount replays and scans)").append('\n');
        b.append("free           ").append(st.freePages()).append(" of ").append(st.usablePages()).append(" pages (")
                .append(Sizes.human(st.freePages() << 12)).append(" of ").append(Sizes.human(st.usablePages() << 12)).append(")\n");
        b.append("inodes         ").append(fi.inodesUsed()).append(" used, ").append(InodeLimit.growth())
                .append(" (").append(fi.inodeCapacity()).append(" in it now)\n");
        b.append("journal        ").append(fi.journalBytes()).append(" bytes (").append(Sizes.human(fi.journalBytes()))
                .append(") at page ").append(fi.journalPage()).append('\n');
        b.append("owners\n");
        for (Map.Entry<Owner, Long> e : st.ownerPages().entrySet()) {
            b.append(String.format("  %-12s %12d pages %11s  %s%n", e.getKey().label(), e.getValue(),
                    Sizes.human(e.getValue() << 12), e.getKey().uuid()));
        }
        b.append("free blocks per order (like /proc/buddyinfo)\n  ");
        for (int k = 0; k < st.freeBlocks().size(); k++) {
            b.append(String.format("%d:%d ", k, st.freeBlocks().get(k)));
        }
        b.append('\n');
        return b.toString();
    }

    /**
     * A time of the superblocks, in UTC to the second (2026-12-01T12:30:00Z: the same in text and
     * JSON, whatever the locale or zone); "unknown" for 0, which an image made or last mounted
     * by code older than the field holds (the mount time and count are v1's compatible addition).
     */
    private static String time(long millis) {
        String t = timeOrNull(millis);
        return t == null ? "unknown" : t;
    }

    private static String timeOrNull(long millis) {
        return millis <= 0 ? null : java.time.Instant.ofEpochMilli(millis).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** The same facts as {@link #text}, in the same words where they are words (mapping: MAP_SYNC or msync). */
    private static String json(Namespace ns, NvmPages pg, AllocatorStats st, FsInfo fi, boolean mounted, String mountPoint) {
        List<String> owners = new ArrayList<>();
        for (Map.Entry<Owner, Long> e : st.ownerPages().entrySet()) {
            owners.add(Json.object().put("label", e.getKey().label()).put("uuid", e.getKey().uuid().toString())
                    .put("pages", e.getValue()).toString());
        }
        List<String> perOrder = st.freeBlocks().stream().map(String::valueOf).toList();
        return Json.object()
                .put("namespace", ns.path().toString())
                .put("formatVersion", fi.version())
                .put("nvmpgVersion", pg.superblock().version())
                .put("uuid", pg.superblock().uuid().toString())
                .put("label", pg.superblock().label())
                .put("sizeBytes", ns.size())
                .put("mapping", ns.mode().spelling())
                .put("state", mounted ? "mounted" : fi.clean() ? "clean" : "dirty")
                .put("mountPoint", mountPoint)
                .put("created", timeOrNull(pg.superblock().formatTimeMillis()))
                .put("lastMounted", timeOrNull(fi.lastMountMillis()))
                .put("mountCount", fi.mountCount())
                .put("totalPages", st.totalPages())
                .put("usablePages", st.usablePages())
                .put("freePages", st.freePages())
                .putRaw("freeBlocksPerOrder", Json.array(perOrder))
                .putRaw("owners", Json.array(owners))
                .put("inodesUsed", fi.inodesUsed())
                .put("inodeCapacity", fi.inodeCapacity())
                .put("inodeLimit", InodeLimit.INODES)
                .put("inodeTableGrowsOnDemand", true)
                .put("journalBytes", fi.journalBytes())
                + "\n";
    }
}
