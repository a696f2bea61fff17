package io.nvmfs.fsck;

import io.nvmfs.nvmpg.CorruptNamespaceException;
import io.nvmfs.nvmpg.Layout;
import io.nvmfs.nvmpg.Pages;
import io.nvmfs.nvmpg.Superblock;
import io.nvmfs.nvmpg.SuperblockFormat;

/**
 * Pass 1 — namespace superblocks.
 *
 * <p>Contract: on return both copies (page 1 and the last page) are valid and equal, or, with
 * repairs declined, at least one is valid; {@code totalPages}, {@code uuid} and {@code label}
 * are set from it. If neither copy is valid, the namespace is not one fsck can check: a
 * {@link FsckAbort} names the problem (exit 8), and nothing has been written.
 */
final class NamespaceSuperblockPass {
    private NamespaceSuperblockPass() {}

    static void run(CheckState st) {
        long nsPages = st.media.pages();
        long primaryOff = Pages.toBytes(Layout.PRIMARY_SUPERBLOCK_PAGE);
        Superblock primary = null;
        String primaryProblem = null;
        try {
            primary = SuperblockFormat.read(st.media, primaryOff, nsPages);
        } catch (CorruptNamespaceException e) {
            primaryProblem = e.getMessage();
        }
        long backupPage = primary != null ? primary.backupPage() : nsPages - 1;
        long backupOff = Pages.toBytes(backupPage);
        Superblock backup = null;
        String backupProblem = null;
        try {
            backup = SuperblockFormat.read(st.media, backupOff, nsPages);
            if (primary == null) {
                backupPage = backup.backupPage();
                backupOff = Pages.toBytes(backupPage);
                if (backupPage != nsPages - 1) {
                    // Found at the end of the mapping but naming another page: the mapping grew; trust it only there.
                    backup = SuperblockFormat.read(st.media, backupOff, nsPages);
                }
            } else if (!backup.equals(primary)) {
                backupProblem = "differs from the primary";
                backup = null;
            }
        } catch (CorruptNamespaceException e) {
            backupProblem = e.getMessage();
        }
        if (primary == null && backup == null) {
            if (!SuperblockFormat.hasMagic(st.media, primaryOff) && !SuperblockFormat.hasMagic(st.media, backupOff)) {
                throw new FsckAbort("no nvmpg superblock (neither copy has the magic): not an nvmfs namespace;"
                        + " create one with 'nvmfs mkfs'");
            }
            Superblock rebuilt = fromFilesystem(st, nsPages);
            if (rebuilt == null) {
                throw new FsckAbort("both namespace superblock copies are invalid (primary: " + primaryProblem
                        + "; backup: " + backupProblem + ") and no filesystem superblock names the namespace's UUID");
            }
            st.totalPages = rebuilt.totalPages();
            st.uuid = rebuilt.uuid();
            st.label = rebuilt.label();
            if (st.report.problem(Problem.SB03, "pages 0x1 and " + Pages.hex(nsPages - 1), strip(primaryProblem))) {
                rewrite(st, Pages.toBytes(nsPages - 1), rebuilt);
                rewrite(st, primaryOff, rebuilt);
            }
            return;
        }
        Superblock good = primary != null ? primary : backup;
        st.totalPages = good.totalPages();
        st.uuid = good.uuid();
        st.label = good.label();
        if (primary == null && st.report.problem(Problem.SB01, "page 0x1", strip(primaryProblem))) {
            rewrite(st, primaryOff, good);
        }
        if (backup == null && st.report.problem(Problem.SB02, "page " + Pages.hex(backupPage), strip(backupProblem))) {
            rewrite(st, backupOff, good);
        }
    }

    /**
     * Both copies lost: the geometry is the whole mapping (mkfs always formats all of it), and the
     * UUID is the one the filesystem superblock carries, found through the owner labelled fs-meta.
     */
    private static Superblock fromFilesystem(CheckState st, long nsPages) {
        st.totalPages = nsPages;
        for (int slot = 1; slot < io.nvmfs.nvmpg.OwnerTableFormat.SLOTS; slot++) {
            if (io.nvmfs.nvmpg.OwnerTableFormat.state(st.media, slot) != io.nvmfs.nvmpg.OwnerTableFormat.liveState(st.media, slot)
                    || !"fs-meta".equals(io.nvmfs.nvmpg.OwnerTableFormat.label(st.media, slot))) {
                continue;
            }
            long page = st.seg.get(io.nvmfs.core.Le.LONG, io.nvmfs.nvmpg.OwnerTableFormat.rootOffset(slot));
            if (!st.inBuddySpace(page, 0)) {
                continue;
            }
            long off = page << 12;
            if (io.nvmfs.core.FsSuperblockFormat.problem(st.seg, off) != null) {
                continue;
            }
            java.util.UUID uuid = new java.util.UUID(st.seg.get(io.nvmfs.core.Le.LONG, off + io.nvmfs.core.FsSuperblockFormat.OFF_UUID),
                    st.seg.get(io.nvmfs.core.Le.LONG, off + io.nvmfs.core.FsSuperblockFormat.OFF_UUID + 8));
            if (!io.nvmfs.core.Owners.meta(uuid).equals(io.nvmfs.nvmpg.OwnerTableFormat.uuid(st.media, slot))) {
                continue;
            }
            return new Superblock(1, 0, 0, 0, Pages.MAX_ORDER, nsPages, uuid, Layout.OWNER_TABLE_PAGE,
                    io.nvmfs.nvmpg.OwnerTableFormat.SLOTS, nsPages - 1, 0, "nvmfs");
        }
        return null;
    }

    private static void rewrite(CheckState st, long off, Superblock sb) {
        st.writer.beforeChange(off, Pages.SIZE);
        SuperblockFormat.writeDurably(st.media, off, sb);
    }

    /** The format class's messages start with where; the report line says where already. */
    private static String strip(String message) {
        int colon = message.indexOf(": ");
        return colon < 0 ? message : message.substring(colon + 2);
    }
}
