package io.nvmfs.fsck;

/** How fsck answers the repair each problem offers. */
public enum RepairMode {
    /** -n: answer no to everything; the namespace is mapped privately, so nothing can reach it. */
    NO,
    /** -p: apply the repairs marked safe; stop at the first other problem. */
    PREEN,
    /** -y: apply every repair. */
    YES,
    /** Ask on the terminal for each problem. */
    ASK
}
