package io.nvmfs.core;

/**
 * Directory entries, version 1: a directory's data pages (metadata owner) are filled with
 * variable-length records that never straddle a page; the rec_len of the records in a page
 * always add up to 4096.
 *
 * <pre>
 * off  size  field
 *   0     8  ino       inode number; 0 = unused record
 *   8     2  rec_len   bytes to the next record (a multiple of 8, at least 16)
 *  10     1  name_len  1..255
 *  11     1  type      DT_* of the inode (as readdir reports it)
 *  12     4  reserved  0
 *  16     n  name      name_len bytes, no NUL; zero-padded to a multiple of 8
 * </pre>
 *
 * "." and ".." are not stored: they are the directory itself and the inode's parent field.
 * Removing an entry clears its ino (one journaled 8-byte write). An insert folds a run of unused
 * records into one, or splits the slack off the end of a live record.
 */
public final class DirentFormat {
    public static final int OFF_INO = 0;
    public static final int OFF_REC_LEN = 8;
    public static final int OFF_NAME_LEN = 10;
    public static final int OFF_TYPE = 11;
    public static final int OFF_NAME = 16;
    public static final int HEADER = 16;
    public static final int MAX_NAME = 255;
    public static final int PAGE = 4096;

    private DirentFormat() {}

    /** Bytes a record with a name of {@code nameLen} bytes needs. */
    public static int needed(int nameLen) {
        return HEADER + ((nameLen + 7) & ~7);
    }
}
