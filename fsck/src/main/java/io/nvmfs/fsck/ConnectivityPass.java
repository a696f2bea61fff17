package io.nvmfs.fsck;

import io.nvmfs.core.DirentFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mode;
import java.nio.charset.StandardCharsets;

/**
 * Pass 6 — connectivity.
 *
 * <p>Contract: on return (repairs accepted) every directory but the root has exactly one entry
 * naming it, every directory is reachable from the root (loops broken, detached trees
 * reconnected under {@code /lost+found} as {@code #ino}), every directory's parent field names
 * the directory holding its entry, every file with links has an entry, and every inode with
 * neither links nor entries (an orphan: unlinked while open, then a crash) is released.
 * {@code refs} counts each file's entries and {@code parentOf} gives each directory's parent,
 * for pass 7; {@code released} lists the inodes whose blocks pass 8 must free.
 */
final class ConnectivityPass {
    private static final byte DIR = (byte) (Mode.S_IFDIR >>> 12);
    private static final byte UNKNOWN = 0;
    private static final byte VISITING = 1;
    private static final byte REACHABLE = 2;
    private static final byte DETACHED = 3;

    private final CheckState st;
    private final DirectoryEditor editor;
    private final SpaceAllocator alloc;
    private int cap;
    private int[] dirEntry;
    private byte[] state;
    private int lostFound;

    private ConnectivityPass(CheckState st, DirectoryEditor editor, SpaceAllocator alloc) {
        this.st = st;
        this.editor = editor;
        this.alloc = alloc;
        this.cap = (int) st.inodeCapacity;
        this.dirEntry = new int[cap];
        st.refs = new int[cap];
        st.parentOf = new int[cap];
    }

    static void run(CheckState st, DirectoryEditor editor, SpaceAllocator alloc) {
        new ConnectivityPass(st, editor, alloc).run();
    }

    private void run() {
        st.progress.start(6, "Pass 6: connectivity", 2L * cap);
        countEntries();
        state = new byte[cap];
        resolve();
        lostFound = st.lostFound >= 0 ? st.entryIno.get(st.lostFound) : 0;
        for (int d = 2; d < cap; d++) {
            if (st.type[d] == DIR && state[d] == DETACHED) {
                reconnectDirectory(d);
            }
        }
        for (int ino = 2; ino < cap; ino++) {
            st.progress.tick(cap + ino);
            if (st.type[ino] != 0 && st.type[ino] != DIR && st.refs[ino] == 0) {
                if (st.nlink[ino] == 0) {
                    release(ino);
                } else if (st.report.problem(Problem.CN04, "inode " + ino, st.nlink[ino] + " links")) {
                    if (link(ino)) {
                        st.refs[ino] = 1;
                    } else {
                        st.report.failed("inode " + ino, "no /lost+found to link it into");
                    }
                }
            }
        }
        fixParents();
        st.progress.end();
    }

    private void countEntries() {
        for (int e = 0; e < st.entryIno.size(); e++) {
            int t = st.entryIno.get(e);
            if (t == 0) {
                continue;
            }
            if (st.type[t] != DIR) {
                st.refs[t]++;
                continue;
            }
            int d = st.entryDir.get(e);
            if (t == 1) {
                clearEntry(e, "directory " + d, "names the root directory");
                continue;
            }
            int kept = dirEntry[t] - 1;
            if (kept < 0) {
                dirEntry[t] = e + 1;
                continue;
            }
            // Keep the entry in the directory the inode's parent field names, if either is.
            int drop = e;
            if (st.entryDir.get(kept) != st.parent[t] && d == st.parent[t]) {
                dirEntry[t] = e + 1;
                drop = kept;
            }
            clearEntry(drop, "directory " + t, "extra entry in directory " + st.entryDir.get(drop));
        }
        for (int d = 2; d < cap; d++) {
            st.parentOf[d] = dirEntry[d] > 0 ? st.entryDir.get(dirEntry[d] - 1) : 0;
        }
        st.parentOf[1] = 1;
    }

    private void clearEntry(int e, String subject, String detail) {
        if (st.report.problem(Problem.CN01, subject, detail)) {
            st.writer.putLong(st.entryAt.get(e) + DirentFormat.OFF_INO, 0L);
        }
        st.entryIno.set(e, 0);
    }

    /** Marks every directory reachable or detached, walking up parent links with loop detection. */
    private void resolve() {
        for (int d = 1; d < cap; d++) {
            st.progress.tick(d);
            if (st.type[d] != DIR || state[d] != UNKNOWN) {
                continue;
            }
            IntList path = new IntList();
            int x = d;
            byte result;
            while (true) {
                if (x == 1) {
                    result = REACHABLE;
                    break;
                }
                if (state[x] == REACHABLE || state[x] == DETACHED) {
                    result = state[x];
                    break;
                }
                if (state[x] == VISITING) {
                    result = DETACHED;
                    break;
                }
                state[x] = VISITING;
                path.add(x);
                int p = st.parentOf[x];
                if (p <= 0 || st.type[p] != DIR) {
                    result = DETACHED;
                    break;
                }
                x = p;
            }
            for (int i = 0; i < path.size(); i++) {
                state[path.get(i)] = result;
            }
        }
        state[1] = REACHABLE;
    }

    private void reconnectDirectory(int d) {
        // Walk up to the top of this detached tree (or to where its loop closes).
        int top = d;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (st.parentOf[top] != 0 && state[st.parentOf[top]] == DETACHED && seen.add(top)) {
            top = st.parentOf[top];
        }
        boolean loop = st.parentOf[top] != 0;
        if (st.nlink[top] == 0 && !loop && holdsNothing(top)) {
            release(top);
            state[top] = REACHABLE;
            return;
        }
        if (st.report.problem(Problem.CN02, "directory " + top, loop ? "in a directory loop" : "no entry names it")) {
            if (loop && dirEntry[top] > 0) {
                st.writer.putLong(st.entryAt.get(dirEntry[top] - 1) + DirentFormat.OFF_INO, 0L);
                st.entryIno.set(dirEntry[top] - 1, 0);
            }
            if (link(top)) {
                st.parentOf[top] = lostFound;
            } else {
                st.report.failed("directory " + top, "no /lost+found to link it into");
                st.parentOf[top] = 1; // left as it is; not reported again for its subtree
            }
        } else {
            st.parentOf[top] = 1; // as if reconnected, so its subtree is not reported again
        }
        for (int i = 0; i < cap; i++) {
            if (state[i] == DETACHED) {
                state[i] = UNKNOWN;
            }
        }
        resolve();
        state[top] = REACHABLE;
    }

    private boolean holdsNothing(int dir) {
        for (int e = 0; e < st.entryIno.size(); e++) {
            if (st.entryIno.get(e) != 0 && st.entryDir.get(e) == dir) {
                return false;
            }
        }
        return true;
    }

    private void release(int ino) {
        if (st.report.problem(Problem.CN05, "inode " + ino, null)) {
            st.writer.zero(st.inodeOffset(ino), InodeFormat.SIZE);
            st.released.set(ino);
            st.type[ino] = 0;
        }
    }

    /** Adds {@code #ino} to lost+found (creating it first if needed); false if that was declined or impossible. */
    private boolean link(int ino) {
        if (!ensureLostFound()) {
            return false;
        }
        byte[] name = ("#" + ino).getBytes(StandardCharsets.US_ASCII);
        return editor.insert(lostFound, name, ino, st.type[ino]);
    }

    private boolean ensureLostFound() {
        if (lostFound != 0 && st.type[lostFound] != DIR) {
            if (!st.report.problem(Problem.CN07, "/lost+found", "inode " + lostFound)) {
                return false;
            }
            st.writer.putLong(st.entryAt.get(st.lostFound) + DirentFormat.OFF_INO, 0L);
            st.entryIno.set(st.lostFound, 0);
            st.refs[lostFound]--;
            lostFound = 0;
        }
        if (lostFound != 0) {
            return true;
        }
        int ino = 2;
        while (ino < cap && st.type[ino] != 0) {
            ino++;
        }
        if (!st.report.problem(Problem.CN06, "/lost+found", null)) {
            return false;
        }
        if (ino >= cap && !growTable()) {
            return false;
        }
        InodeImage img = new InodeImage();
        img.load(st.seg, ino, st.inodeOffset(ino));
        img.rec.fill((byte) 0);
        img.mode(Mode.S_IFDIR | 0700);
        img.nlink(2);
        img.parent(1);
        long now = System.currentTimeMillis() / 1000;
        for (int t = 0; t < 4; t++) {
            img.rec.set(Le.LONG, InodeFormat.OFF_SEC + 8L * t, now);
        }
        img.write(st.writer, st.seg);
        st.type[ino] = DIR;
        st.nlink[ino] = 2;
        st.parent[ino] = 1;
        st.dirPages.put(ino, new long[0]);
        if (!editor.insert(1, DirectoryPass.LOST_FOUND, ino, DIR)) {
            return false;
        }
        // Its '..' is one more link to the root: part of creating it, not a problem found.
        int rootLinks = st.nlink[1] + 1;
        editor.updateInode(1, root -> root.nlink(rootLinks));
        st.nlink[1] = rootLinks;
        st.parentOf[ino] = 1;
        state[ino] = REACHABLE;
        lostFound = ino;
        return true;
    }

    /**
     * Every inode is in use: adds the next inode-table chunk, as fs-core does when it runs out
     * (an empty block of the metadata owner, then its pointer), and widens the per-inode arrays.
     * False when the table is at its last chunk or no block is free.
     */
    private boolean growTable() {
        int k = st.chunkPage.length;
        if (k >= io.nvmfs.core.FsSuperblockFormat.MAX_CHUNKS) {
            return false;
        }
        int order = io.nvmfs.core.InodeTable.chunkOrder(k);
        long page = alloc.allocate(order, true, Claim.SYSTEM_META);
        if (page < 0) {
            return false;
        }
        st.writer.zero(page << 12, (1L << order) << 12);
        st.writer.putLong(io.nvmfs.core.FsSuperblockFormat.chunkSlot(st.sb, k), page);
        st.chunkPage = java.util.Arrays.copyOf(st.chunkPage, k + 1);
        st.chunkPage[k] = page;
        st.inodeCapacity = io.nvmfs.core.InodeTable.chunkStart(k + 1);
        cap = (int) st.inodeCapacity;
        st.type = java.util.Arrays.copyOf(st.type, cap);
        st.nlink = java.util.Arrays.copyOf(st.nlink, cap);
        st.parent = java.util.Arrays.copyOf(st.parent, cap);
        st.refs = java.util.Arrays.copyOf(st.refs, cap);
        st.parentOf = java.util.Arrays.copyOf(st.parentOf, cap);
        dirEntry = java.util.Arrays.copyOf(dirEntry, cap);
        state = java.util.Arrays.copyOf(state, cap);
        return true;
    }

    private void fixParents() {
        for (int d = 1; d < cap; d++) {
            if (st.type[d] != DIR) {
                continue;
            }
            int want = st.parentOf[d];
            if (want > 0 && st.parent[d] != want
                    && st.report.problem(Problem.CN03, "directory " + d, "'..' is " + st.parent[d] + ", held by " + want)) {
                editor.updateInode(d, img -> img.parent(want));
                st.parent[d] = want;
            }
        }
    }
}
