package io.nvmfs.fsck;

/** fsck(8)'s exit codes; several conditions may be OR-ed together. */
public final class ExitCode {
    public static final int CLEAN = 0;
    public static final int CORRECTED = 1;
    public static final int UNCORRECTED = 4;
    public static final int OPERATIONAL = 8;
    public static final int USAGE = 16;
    public static final int CANCELLED = 32;

    private ExitCode() {}
}
