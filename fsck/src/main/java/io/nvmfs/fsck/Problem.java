package io.nvmfs.fsck;

/**
 * Every problem fsck can detect, with a stable code, what is wrong, and the repair it offers.
 *
 * <p>The code and both phrases are part of fsck's output contract: the test-images catalogue
 * compares output byte for byte, so a phrase changes only together with the expected outputs.
 * {@code preen} marks repairs that lose nothing a user wrote and need no judgement: {@code -p}
 * applies those and stops at the first other problem, as e2fsck's preen mode does.
 */
public enum Problem {
    // Pass 1: namespace superblocks
    SB01("primary namespace superblock is invalid", "rewrite it from the backup", true),
    SB02("backup namespace superblock is invalid", "rewrite it from the primary", true),
    SB03("both namespace superblocks are invalid", "rebuild them from the filesystem superblock", false),
    SB04("both namespace superblocks are damaged, in different bytes", "rebuild them from the bytes that agree with the checksum", false),
    // Pass 2: owners and nvmpg records
    RC01("owner slot state word is invalid for a known owner", "rewrite the state word", true),
    RC02("owner slot holds an owner nvmfs does not know", "clear the slot", false),
    RC03("owner UUID appears in two slots", "clear the later slot", false),
    RC04("filesystem owner is missing", "create it", false),
    RC05("record chain link is invalid", "end the chain before it", false),
    RC06("record page header is invalid", "end the chain before it", false),
    RC07("record page is linked twice (chain loop)", "end the chain before it", false),
    RC08("record word is invalid", "clear the record", false),
    RC09("record block is misaligned or outside the allocatable space", "clear the record", false),
    RC10("allocator owner slot 0 is damaged", "rewrite it", true),
    // Pass 3: filesystem superblock and journal
    FS01("filesystem superblock pointer is invalid", "point it at the superblock found among the metadata pages", false),
    FS02("filesystem superblock header is invalid", "rebuild the header from the namespace", false),
    FS03("inode-table chunk pointer is invalid", "end the inode table before it", false),
    FS04("filesystem superblock clean flag is neither 0 nor 1", "set it", true),
    FS05("inode-table chunk pointer does not name the chunk", "point it at the chunk found among the metadata blocks", false),
    FS06("inode-table chunk is lost", "allocate an empty chunk in its place (its inodes are lost)", false),
    JR01("journal location does not fit the namespace", "create a new empty journal", false),
    JR02("one journal header slot is invalid", "rewrite it", true),
    JR03("both journal header slots are invalid", "reset the journal", false),
    JR04("journal holds committed transactions", "replay them", true),
    JR05("journal record has a good checksum but malformed writes", "replay up to it and reset the journal", false),
    JR06("journal ends in a torn transaction", "drop it", true),
    // Pass 4: inodes and extent maps
    IN01("inode checksum does not match its valid fields", "recompute the checksum", false),
    IN02("inode has an invalid file type", "clear the inode", false),
    IN03("inode 0 is in use", "clear it", true),
    IN04("extent is invalid (order, alignment or range)", "drop the extent", false),
    IN05("extents are out of order or overlap", "drop the extent", false),
    IN06("extent count does not match the extents found", "fix the count", true),
    IN07("extent page is invalid", "drop it and the extents from it on", false),
    IN08("xattr block is invalid", "drop the extended attributes", false),
    IN09("page count does not match the pages held", "fix the count", true),
    IN10("directory size does not match its pages", "fix the size", false),
    IN11("symbolic link has an invalid length", "clear the inode", false),
    IN12("special file holds data", "drop its extents and size", false),
    IN13("root inode is not a directory", "recreate an empty root directory", false),
    IN14("inode parent field set on a non-directory", "clear it", true),
    IN15("block is also claimed by another object", "drop it from this inode", false),
    IN16("file size is outside 0..16 TiB", "set it to the end of the last extent", false),
    // Pass 5: directories
    DR01("directory record length is invalid", "mark the rest of the page unused", false),
    DR02("directory entry name is illegal", "clear the entry", false),
    DR03("directory entry names '.' or '..'", "clear the entry", false),
    DR04("directory entry points outside the inode table", "clear the entry", false),
    DR05("directory entry points to a free inode", "clear the entry", false),
    DR06("directory entry type does not match the inode", "fix the type", true),
    DR07("directory holds the same name twice", "clear the later entry", false),
    // Pass 6: connectivity
    CN01("directory has more than one name", "clear the extra entry", false),
    CN02("directory is not reachable from the root", "reconnect it to /lost+found", false),
    CN03("directory '..' does not name the directory holding it", "fix '..'", true),
    CN04("file with links is not reachable from the root", "reconnect it to /lost+found", false),
    CN05("orphaned inode (no links, no entry)", "release it and its pages", true),
    CN06("/lost+found is missing", "create it", false),
    CN07("/lost+found is not a directory", "unlink it", false),
    // Pass 7: link counts
    LC01("inode link count is wrong", "fix it", true),
    // Pass 8: space
    SP01("pages recorded but referenced by nothing", "free them", true),
    SP02("block referenced but not recorded", "record it", true),
    SP03("block recorded under the wrong owner", "move the record", true),
    SP04("block recorded whole but only pieces of it referenced (a release cut off by a crash)", "record just the pieces", true);

    private final String what;
    private final String fix;
    private final boolean preen;

    Problem(String what, String fix, boolean preen) {
        this.what = what;
        this.fix = fix;
        this.preen = preen;
    }

    public String what() {
        return what;
    }

    public String fix() {
        return fix;
    }

    /**
     * Whether this is what an unclean detach (kill -9, power failure) normally leaves, and what the
     * next attach repairs by itself: committed transactions to replay, a torn last transaction, a
     * header slot torn by a checkpoint (the other slot is the valid one),
     * pages whose release the crash cut off, inodes unlinked while open. On a namespace not marked
     * clean these are recovery, not damage (e2fsck treats a journal needing recovery the same way).
     */
    public boolean crashResidue() {
        return switch (this) {
            case JR02, JR04, JR06, SP01, SP04, CN05 -> true;
            default -> false;
        };
    }

    public boolean preenSafe() {
        return preen;
    }
}
