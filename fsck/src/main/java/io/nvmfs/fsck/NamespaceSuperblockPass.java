package io.nvmfs.fsck;

import io.nvmfs.nvmpg.CorruptNamespaceException;
import io.nvmfs.nvmpg.Layout;
import io.nvmfs.nvmpg.Media;
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
            Superblock merged = merged(st, primaryOff, Pages.toBytes(nsPages - 1), nsPages);
            if (merged != null) {
                rebuildBoth(st, Problem.SB04, merged, strip(primaryProblem));
                return;
            }
            if (!SuperblockFormat.hasMagic(st.media, primaryOff) && !SuperblockFormat.hasMagic(st.media, backupOff)) {
                throw new FsckAbort("no nvmpg superblock (neither copy has the magic): not an nvmfs namespace;"
                        + " create one with 'nvmfs mkfs'");
            }
            Superblock rebuilt = fromFilesystem(st, nsPages);
            if (rebuilt == null) {
                throw new FsckAbort("both namespace superblock copies are invalid (primary: " + primaryProblem
                        + "; backup: " + backupProblem + ") and no filesystem superblock names the namespace's UUID");
            }
            rebuildBoth(st, Problem.SB03, rebuilt, strip(primaryProblem));
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

    /** Adopts {@code sb} (both copies were invalid) and, with the repair accepted, writes it as both: backup first. */
    private static void rebuildBoth(CheckState st, Problem problem, Superblock sb, String detail) {
        st.totalPages = sb.totalPages();
        st.uuid = sb.uuid();
        st.label = sb.label();
        long last = sb.backupPage();
        if (st.report.problem(problem, "pages 0x1 and " + Pages.hex(last), detail)) {
            rewrite(st, Pages.toBytes(last), sb);
            rewrite(st, Pages.toBytes(Layout.PRIMARY_SUPERBLOCK_PAGE), sb);
        }
    }

    /** At most this many differing bytes are tried in every combination (2^12 checksums). */
    private static final int MAX_MERGED_BYTES = 12;

    /**
     * Both copies fail, but they were written equal, and most of a copy is fixed by the format
     * and the mapping (magic, version, features, geometry, owner table, backup page): those
     * fields are written from what they must be, and only the bytes no rule gives (UUID, format
     * time, label, CRC) are taken from one copy or the other, trying each mix of the bytes where
     * the copies differ. The first mix whose CRC and fields validate is the superblock. A wrong
     * mix passes the CRC with odds 2^-32 per try; a page that never was a superblock has no
     * CRC to pass.
     */
    private static Superblock merged(CheckState st, long primaryOff, long backupOff, long nsPages) {
        byte[] a = st.seg.asSlice(primaryOff, SuperblockFormat.SIZE).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        byte[] b = st.seg.asSlice(backupOff, SuperblockFormat.SIZE).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int[] diff = new int[MAX_MERGED_BYTES];
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && freeByte(i)) {
                if (n == MAX_MERGED_BYTES) {
                    return null;
                }
                diff[n++] = i;
            }
        }
        // Native scratch: the CRC helper reads through a ByteBuffer, which heap segments over long[] cannot give.
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment mix = arena.allocate(Pages.SIZE, Pages.SIZE);
            Media scratch = Media.ofMemory(mix, io.nvmfs.nvmpg.Persistence.NONE);
            for (int mask = 0; mask < 1 << n; mask++) {
                java.lang.foreign.MemorySegment.copy(a, 0, mix, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, a.length);
                for (int j = 0; j < n; j++) {
                    if ((mask & 1 << j) != 0) {
                        mix.set(java.lang.foreign.ValueLayout.JAVA_BYTE, diff[j], b[diff[j]]);
                    }
                }
                writeFixedFields(mix, nsPages);
                try {
                    return SuperblockFormat.read(scratch, 0, nsPages);
                } catch (CorruptNamespaceException e) {
                    // not this mix
                }
            }
        }
        return null;
    }

    /** Bytes of a copy no rule determines: UUID, format time, label and CRC. */
    private static boolean freeByte(int i) {
        return i >= SuperblockFormat.OFF_UUID && i < SuperblockFormat.OFF_UUID + 16
                || i >= SuperblockFormat.OFF_FORMAT_TIME && i < SuperblockFormat.OFF_LABEL + SuperblockFormat.LABEL_BYTES
                || i >= SuperblockFormat.OFF_CRC && i < SuperblockFormat.OFF_CRC + 4;
    }

    /** Every other byte of the first 256, as the format and a namespace of {@code nsPages} fix it (see FORMAT.md). */
    private static void writeFixedFields(java.lang.foreign.MemorySegment s, long nsPages) {
        for (int i = 0; i < SuperblockFormat.SIZE; i++) {
            if (!freeByte(i)) {
                s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) 0);
            }
        }
        s.set(Media.LONG, SuperblockFormat.OFF_MAGIC, SuperblockFormat.MAGIC);
        s.set(Media.INT, SuperblockFormat.OFF_VERSION, SuperblockFormat.VERSION);
        s.set(Media.INT, SuperblockFormat.OFF_PAGE_SIZE, Pages.SIZE);
        s.set(Media.INT, SuperblockFormat.OFF_MAX_ORDER, Pages.MAX_ORDER);
        s.set(Media.LONG, SuperblockFormat.OFF_TOTAL_PAGES, nsPages);
        s.set(Media.LONG, SuperblockFormat.OFF_OWNER_TABLE, Layout.OWNER_TABLE_PAGE);
        s.set(Media.INT, SuperblockFormat.OFF_OWNER_SLOTS, io.nvmfs.nvmpg.OwnerTableFormat.SLOTS);
        s.set(Media.LONG, SuperblockFormat.OFF_BACKUP_PAGE, nsPages - 1);
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
            if (io.nvmfs.core.FsSuperblockFormat.problemBeforeReplay(st.seg, off) != null) {
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
