package io.nvmfs.fsck;

import io.nvmfs.core.Mode;

/**
 * Pass 7 — link counts.
 *
 * <p>Contract: on return (repairs accepted) every file's link count is the number of entries
 * naming it, and every directory's is 2 plus its subdirectories (its entry and its own '.', and
 * each child's '..'), the root included.
 */
final class LinkCountPass {
    private static final byte DIR = (byte) (Mode.S_IFDIR >>> 12);

    private LinkCountPass() {}

    static void run(CheckState st, DirectoryEditor editor) {
        int cap = (int) st.inodeCapacity;
        st.progress.start(7, "Pass 7: link counts", cap);
        int[] subdirs = new int[cap];
        for (int d = 2; d < cap; d++) {
            if (st.type[d] == DIR && st.parentOf[d] > 0) {
                subdirs[st.parentOf[d]]++;
            }
        }
        for (int ino = 1; ino < cap; ino++) {
            st.progress.tick(ino);
            if (st.type[ino] == 0) {
                continue;
            }
            int want = st.type[ino] == DIR ? 2 + subdirs[ino] : st.refs[ino];
            if (st.nlink[ino] != want
                    && st.report.problem(Problem.LC01, "inode " + ino, "is " + st.nlink[ino] + ", should be " + want)) {
                editor.updateInode(ino, img -> img.nlink(want));
                st.nlink[ino] = want;
            }
        }
        st.progress.end();
    }
}
