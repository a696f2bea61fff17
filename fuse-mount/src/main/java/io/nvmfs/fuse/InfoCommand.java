package io.nvmfs.fuse;

import io.nvmfs.core.FsException;
import io.nvmfs.core.FsInfo;
import io.nvmfs.fsck.Json;
import io.nvmfs.nvmpg.AllocatorStats;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.Owner;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nvmfs info}: sizes, mapping mode, owners, free blocks per order, journal, inodes, clean state. */
@Command(name = "info", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Describe a namespace (mounted or not); writes nothing.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE",
            description = "Image file or device-DAX namespace (default: the default image,"
                    + " $${XDG_DATA_HOME:-$HOME/.local/share}/nvmfs/default.img).")
    Path namespace;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (namespace == null) {
            namespace = DefaultImage.existing();
        }
        ImageAccess.warn(namespace);
        try (Namespace ns = Namespace.open(namespace)) {
            NvmPages pg = NvmPages.attachReadOnly(ns.media());
            AllocatorStats st = pg.stats();
            FsInfo fi = FsInfo.read(ns.media(), pg);
            boolean mounted = Mounts.isLocked(namespace);
            System.out.print(json ? json(ns, pg, st, fi, mounted) : text(ns, pg, st, fi, mounted));
            return 0;
        } catch (NvmpgException | FsException e) {
            throw new UserError(namespace + ": " + e.getMessage());
        }
    }

    private static String text(Namespace ns, NvmPages pg, AllocatorStats st, FsInfo fi, boolean mounted) {
        StringBuilder b = new StringBuilder();
        b.append("namespace      ").append(ns.path()).append('\n');
        b.append("uuid           ").append(pg.superblock().uuid()).append('\n');
        b.append("label          ").append(pg.superblock().label()).append('\n');
        b.append("size           ").append(ns.size()).append(" bytes (").append(st.totalPages()).append(" pages of 4 KiB)\n");
        b.append("mapping        ").append(ns.mode().description()).append('\n');
        b.append("state          ").append(mounted ? "mounted" : fi.clean() ? "clean" : "dirty (not cleanly unmounted: the next mount replays and scans)").append('\n');
        b.append("free           ").append(st.freePages()).append(" of ").append(st.usablePages()).append(" pages\n");
        b.append("inodes         ").append(fi.inodesUsed()).append(" used, ").append(InodeLimit.growth())
                .append(" (").append(fi.inodeCapacity()).append(" in it now)\n");
        b.append("journal        ").append(fi.journalBytes()).append(" bytes at page ").append(fi.journalPage()).append('\n');
        b.append("owners\n");
        for (Map.Entry<Owner, Long> e : st.ownerPages().entrySet()) {
            b.append(String.format("  %-12s %12d pages  %s%n", e.getKey().label(), e.getValue(), e.getKey().uuid()));
        }
        b.append("free blocks per order (like /proc/buddyinfo)\n  ");
        for (int k = 0; k < st.freeBlocks().size(); k++) {
            b.append(String.format("%d:%d ", k, st.freeBlocks().get(k)));
        }
        b.append('\n');
        return b.toString();
    }

    private static String json(Namespace ns, NvmPages pg, AllocatorStats st, FsInfo fi, boolean mounted) {
        StringJoiner owners = new StringJoiner(",", "[", "]");
        for (Map.Entry<Owner, Long> e : st.ownerPages().entrySet()) {
            owners.add("{\"label\":" + Json.quote(e.getKey().label()) + ",\"uuid\":\"" + e.getKey().uuid() + "\",\"pages\":" + e.getValue() + "}");
        }
        return "{\"namespace\":" + Json.quote(ns.path().toString()) + ",\"uuid\":\"" + pg.superblock().uuid() + "\",\"label\":"
                + Json.quote(pg.superblock().label()) + ",\"sizeBytes\":" + ns.size() + ",\"mapping\":\"" + ns.mode().name()
                + "\",\"state\":\"" + (mounted ? "mounted" : fi.clean() ? "clean" : "dirty") + "\",\"totalPages\":"
                + st.totalPages() + ",\"usablePages\":" + st.usablePages() + ",\"freePages\":" + st.freePages()
                + ",\"freeBlocksPerOrder\":" + st.freeBlocks() + ",\"owners\":" + owners + ",\"inodesUsed\":"
                + fi.inodesUsed() + ",\"inodeCapacity\":" + fi.inodeCapacity() + ",\"inodeLimit\":" + InodeLimit.INODES
                + ",\"inodeTableGrowsOnDemand\":true,\"journalBytes\":" + fi.journalBytes()
                + "}\n";
    }
}
