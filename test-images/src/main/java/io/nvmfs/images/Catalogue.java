package io.nvmfs.images;

import io.nvmfs.core.DirentFormat;
import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.InodeFormat;
import io.nvmfs.core.InodeTable;
import io.nvmfs.core.JournalCheck;
import io.nvmfs.core.JournalFormat;
import io.nvmfs.core.Le;
import io.nvmfs.core.Mode;
import io.nvmfs.nvmpg.LinkWord;
import io.nvmfs.nvmpg.OwnerTableFormat;
import io.nvmfs.nvmpg.RecordPageFormat;
import io.nvmfs.nvmpg.RecordWord;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The corrupted-image catalogue: one case per fsck problem code (some codes also appear as
 * consequences in other cases). Each case is a recipe and one deliberate corruption; its
 * directory holds the image, a one-line description and the expected output of two
 * {@code fsck -fy} runs, in the manner of e2fsprogs' {@code tests/f_*}.
 */
public final class Catalogue {
    /** One case: {@code code} is the problem it exists for, and must appear in its first run. */
    public record Case(String name, String code, String description, Recipe recipe, Consumer<Poke> corrupt) {}

    private Catalogue() {}

    public static List<Case> cases() {
        return List.of(
            c("f_sb01_primary_superblock", "SB01", "primary namespace superblock checksum broken", Recipe.TREE,
                p -> p.s.set(ValueLayout.JAVA_BYTE, 4096 + 100, (byte) 0x77)),
            c("f_sb02_backup_superblock", "SB02", "backup namespace superblock label changed", Recipe.TREE,
                p -> p.s.set(ValueLayout.JAVA_BYTE, p.s.byteSize() - 4096 + 90, (byte) 'X')),
            c("f_sb03_both_superblocks", "SB03", "both namespace superblock copies' checksums broken", Recipe.TREE, p -> {
                p.s.set(ValueLayout.JAVA_BYTE, 4096 + 100, (byte) 0x77);
                p.s.set(ValueLayout.JAVA_BYTE, p.s.byteSize() - 4096 + 100, (byte) 0x77);
            }),
            c("f_sb04_superblocks_damaged_differently", "SB04",
                "both namespace superblock copies damaged, the primary's label and the backup's UUID", Recipe.TREE, p -> {
                p.s.set(ValueLayout.JAVA_BYTE, 4096 + 100, (byte) 0x77);
                flip(p, p.s.byteSize() - 4096 + 45);
            }),
            c("f_rc01_owner_state", "RC01", "data owner's state word CRC half damaged", Recipe.TREE,
                p -> flip(p, OwnerTableFormat.slotOffset(p.slot("fs-data")) + 5)),
            c("f_rc02_unknown_owner", "RC02", "a live owner nvmfs does not know", Recipe.TREE,
                p -> addOwner(p, 9, UUID.fromString("00000000-0000-0000-0000-0000000000aa"), "stranger")),
            c("f_rc03_duplicate_owner", "RC03", "the data owner's slot copied into a second slot", Recipe.TREE,
                p -> p.s.asSlice(OwnerTableFormat.slotOffset(10), 64).copyFrom(
                        p.s.asSlice(OwnerTableFormat.slotOffset(p.slot("fs-data")), 64))),
            c("f_rc04_missing_owner", "RC04", "the data owner's slot wiped", Recipe.TREE,
                p -> p.s.asSlice(OwnerTableFormat.slotOffset(p.slot("fs-data")), OwnerTableFormat.SLOT_SIZE).fill((byte) 0)),
            c("f_rc05_bad_chain_link", "RC05", "the data owner's head link fails its check bits", Recipe.TREE,
                p -> flip(p, OwnerTableFormat.headOffset(p.slot("fs-data")) + 6)),
            c("f_rc06_bad_record_page", "RC06", "a record page's header checksum broken", Recipe.TREE,
                p -> flip(p, (p.headPage(p.slot("fs-data")) << 12) + 6)),
            c("f_rc07_chain_loop", "RC07", "a record page links to itself", Recipe.TREE, p -> {
                long page = p.headPage(p.slot("fs-meta"));
                p.s.set(Le.LONG, RecordPageFormat.nextOffset(page), LinkWord.encode(page, page));
            }),
            c("f_rc08_bad_record_word", "RC08", "a record word with wrong check bits", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.emptyRecordSlot(p.slot("fs-data")), 0x8000_0000_0000_0400L)),
            c("f_rc09_misaligned_record", "RC09", "a well-formed record of a misaligned block", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.emptyRecordSlot(p.slot("fs-data")), RecordWord.encode(5, 1, p.slot("fs-data")))),
            c("f_rc10_allocator_slot", "RC10", "nvmpg's own owner slot label damaged", Recipe.TREE,
                p -> p.s.set(ValueLayout.JAVA_BYTE, OwnerTableFormat.slotOffset(0) + 24, (byte) 'X')),
            c("f_fs01_superblock_pointer", "FS01", "the metadata owner's root names the wrong page", Recipe.TREE,
                p -> p.s.set(Le.LONG, OwnerTableFormat.rootOffset(p.slot("fs-meta")), p.headPage(p.slot("fs-meta")))),
            c("f_fs02_superblock_header", "FS02", "a byte of the filesystem superblock's UUID changed", Recipe.TREE,
                p -> flip(p, p.sb() + FsSuperblockFormat.OFF_UUID + 3)),
            c("f_fs03_chunk_pointer", "FS03", "garbage in the first unused inode-table chunk slot", Recipe.TREE, p -> {
                int k = 0;
                while (p.s.get(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), k)) != 0) {
                    k++;
                }
                p.s.set(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), k), 0x12345L);
            }),
            c("f_fs05_chunk_pointer_lost", "FS05", "inode-table chunk 0's pointer zeroed (the chunk itself intact)", Recipe.TREE,
                p -> p.s.set(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), 0), 0L)),
            c("f_fs05_middle_chunk_pointer", "FS05", "inode-table chunk 1's pointer zeroed, chunk 2 after it in use", Recipe.TREE,
                p -> p.s.set(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), 1), 0L)),
            c("f_fs06_chunk_zero_lost", "FS06", "inode-table chunk 0 wiped and its pointer zeroed", Recipe.TREE, p -> {
                long chunk = p.s.get(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), 0));
                p.s.asSlice(chunk << 12, 4096).fill((byte) 0);
                p.s.set(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), 0), 0L);
            }),
            c("f_fs04_clean_flag", "FS04", "clean flag set to 7", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.sb() + FsSuperblockFormat.OFF_CLEAN, 7L)),
            c("f_jr01_journal_location", "JR01", "journal page misaligned (superblock CRC kept valid)", Recipe.TREE, p -> {
                long sb = p.sb();
                p.s.set(Le.LONG, sb + FsSuperblockFormat.OFF_JOURNAL_PAGE, p.s.get(Le.LONG, sb + FsSuperblockFormat.OFF_JOURNAL_PAGE) + 1);
                p.s.set(Le.INT, sb + FsSuperblockFormat.OFF_CRC, Le.crc32c(p.s, sb, FsSuperblockFormat.OFF_CRC));
            }),
            c("f_jr02_journal_slot", "JR02", "garbage in journal header slot B", Recipe.TREE,
                p -> p.s.set(Le.LONG, journalBase(p) + JournalFormat.SLOT_B + 8, 0xdeadbeefL)),
            c("f_jr03_journal_headers", "JR03", "both journal header slots wiped", Recipe.TREE, p -> {
                p.s.asSlice(journalBase(p), 64).fill((byte) 0);
                p.s.asSlice(journalBase(p) + JournalFormat.SLOT_B, 64).fill((byte) 0);
            }),
            c("f_jr04_committed_transactions", "JR04", "crash after committing transactions", Recipe.DIRTY_JOURNAL, p -> {}),
            c("f_jr05_malformed_record", "JR05", "a checksummed journal record whose write lies outside the namespace",
                Recipe.DIRTY_JOURNAL, p -> appendRecord(p, true)),
            c("f_jr06_torn_tail", "JR06", "the journal ends in a half-written transaction", Recipe.DIRTY_JOURNAL,
                p -> appendRecord(p, false)),
            c("f_in01_inode_checksum", "IN01", "a file's uid changed without its CRC", Recipe.TREE,
                p -> p.s.set(Le.INT, p.inode(p.ino("/hello.txt")) + InodeFormat.OFF_UID, 1000)),
            c("f_in02_inode_type", "IN02", "a file's mode has an impossible type", Recipe.TREE,
                p -> p.editInode("/many/file-3", rec -> p.s.set(Le.INT, rec + InodeFormat.OFF_MODE, 0170644))),
            c("f_in03_inode_zero", "IN03", "inode 0 marked in use", Recipe.TREE,
                p -> p.s.set(Le.INT, p.s.get(Le.LONG, FsSuperblockFormat.chunkSlot(p.sb(), 0)) << 12, Mode.S_IFREG | 0644)),
            c("f_in04_bad_extent", "IN04", "an extent of order 40", Recipe.TREE,
                p -> p.editInode("/hello.txt", rec -> {
                    long at = rec + InodeFormat.OFF_INLINE + 8;
                    p.s.set(Le.LONG, at, InodeFormat.packPhysical(InodeFormat.physicalPage(p.s.get(Le.LONG, at)), 40));
                })),
            c("f_in05_extent_order", "IN05", "a file's first two extents swapped", Recipe.TREE,
                p -> p.editInode("/holes3", rec -> {
                    long at = rec + InodeFormat.OFF_INLINE;
                    byte[] first = p.s.asSlice(at, 16).toArray(ValueLayout.JAVA_BYTE);
                    p.s.asSlice(at, 16).copyFrom(p.s.asSlice(at + 16, 16));
                    p.s.asSlice(at + 16, 16).copyFrom(java.lang.foreign.MemorySegment.ofArray(first));
                })),
            c("f_in06_extent_count", "IN06", "the fragmented file's extent count one too high", Recipe.TREE,
                p -> p.editInode("/fragmented", rec -> {
                    long at = rec + InodeFormat.OFF_EXTENTS;
                    p.s.set(Le.INT, at, p.s.get(Le.INT, at) + 1);
                })),
            c("f_in07_extent_page", "IN07", "the fragmented file's extent page checksum broken", Recipe.TREE, p -> {
                long ino = p.ino("/fragmented");
                long page = p.s.get(Le.LONG, p.inode(ino) + InodeFormat.OFF_EXTENT_PAGE);
                flip(p, (page << 12) + 32 + 16 * 3);
            }),
            c("f_in08_xattr_page", "IN08", "a file's xattr page magic damaged", Recipe.TREE, p -> {
                long block = p.s.get(Le.LONG, p.inode(p.ino("/docs/big.bin")) + InodeFormat.OFF_XATTR_BLOCK);
                flip(p, InodeFormat.physicalPage(block) << 12);
            }),
            c("f_in08_xattr_block", "IN08", "a byte in a file's 64 KiB xattr value (a 32-page block) flipped", Recipe.XATTRS, p -> {
                long block = p.s.get(Le.LONG, p.inode(p.ino("/huge")) + InodeFormat.OFF_XATTR_BLOCK);
                flip(p, (InodeFormat.physicalPage(block) << 12) + 40_000);
            }),
            c("f_in09_page_count", "IN09", "a file's page count off by five", Recipe.TREE,
                p -> p.editInode("/hello.txt", rec -> {
                    long at = rec + InodeFormat.OFF_PAGES;
                    p.s.set(Le.LONG, at, p.s.get(Le.LONG, at) + 5);
                })),
            c("f_in10_directory_size", "IN10", "a directory's size one page too large", Recipe.TREE,
                p -> p.editInode("/docs", rec -> {
                    long at = rec + InodeFormat.OFF_SIZE;
                    p.s.set(Le.LONG, at, p.s.get(Le.LONG, at) + 4096);
                })),
            c("f_in11_symlink_length", "IN11", "a symlink of length 0", Recipe.TREE,
                p -> p.editInode("/to-docs", rec -> p.s.set(Le.LONG, rec + InodeFormat.OFF_SIZE, 0L))),
            c("f_in12_special_with_data", "IN12", "a FIFO with a size", Recipe.TREE,
                p -> p.editInode("/fifo", rec -> p.s.set(Le.LONG, rec + InodeFormat.OFF_SIZE, 100L))),
            c("f_in13_root_not_directory", "IN13", "the root inode's mode says regular file", Recipe.TREE, p -> {
                p.s.set(Le.INT, p.inode(1) + InodeFormat.OFF_MODE, Mode.S_IFREG | 0644);
                p.fixInodeCrc(1);
            }),
            c("f_in14_parent_on_file", "IN14", "a regular file with a parent field", Recipe.TREE,
                p -> p.editInode("/hello.txt", rec -> p.s.set(Le.LONG, rec + InodeFormat.OFF_PARENT, 1L))),
            c("f_in15_shared_block", "IN15", "two files map the same data block", Recipe.TREE, p -> {
                long a = p.ino("/hello.txt");
                long b = p.ino("/docs/a/b/deep.txt");
                long at = p.inode(b) + InodeFormat.OFF_INLINE + 8;
                p.s.set(Le.LONG, at, InodeFormat.packPhysical(p.firstExtentPage(a), 0));
                p.fixInodeCrc(b);
            }),
            c("f_in16_negative_size", "IN16", "a file's size negative", Recipe.TREE,
                p -> p.editInode("/holes3", rec -> p.s.set(Le.LONG, rec + InodeFormat.OFF_SIZE, -4096L))),
            c("f_dr01_record_length", "DR01", "a directory record length of 13", Recipe.TREE,
                p -> p.s.set(Le.SHORT, p.entry(p.ino("/many"), "file-7") + DirentFormat.OFF_REC_LEN, (short) 13)),
            c("f_dr02_illegal_name", "DR02", "a name containing '/'", Recipe.TREE,
                p -> p.s.set(ValueLayout.JAVA_BYTE, p.entry(p.ino("/many"), "file-8") + DirentFormat.OFF_NAME + 2, (byte) '/')),
            c("f_dr03_dot_entry", "DR03", "an entry named '..'", Recipe.TREE, p -> {
                long at = p.entry(p.ino("/many"), "file-9");
                p.s.set(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME_LEN, (byte) 2);
                p.s.set(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME, (byte) '.');
                p.s.set(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_NAME + 1, (byte) '.');
            }),
            c("f_dr04_entry_out_of_range", "DR04", "an entry naming inode 999999", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.entry(p.ino("/many"), "file-10"), 999_999L)),
            c("f_dr05_entry_to_free_inode", "DR05", "an entry naming a free inode", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.entry(p.ino("/many"), "file-11"), freeInode(p))),
            c("f_dr06_entry_type", "DR06", "an entry whose type says directory", Recipe.TREE,
                p -> p.s.set(ValueLayout.JAVA_BYTE, p.entry(p.ino("/many"), "file-12") + DirentFormat.OFF_TYPE, (byte) 4)),
            c("f_dr07_duplicate_name", "DR07", "two entries named file-13", Recipe.TREE,
                p -> p.s.set(ValueLayout.JAVA_BYTE, p.entry(p.ino("/many"), "file-14") + DirentFormat.OFF_NAME + 6, (byte) '3')),
            c("f_cn01_directory_hard_link", "CN01", "a file entry turned into a second name of a directory", Recipe.TREE, p -> {
                long at = p.entry(p.ino("/many"), "file-15");
                p.s.set(Le.LONG, at, p.ino("/docs/a"));
                p.s.set(ValueLayout.JAVA_BYTE, at + DirentFormat.OFF_TYPE, (byte) 4);
            }),
            c("f_cn02_detached_directory", "CN02", "the entry of /docs/a cleared", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.entry(p.ino("/docs"), "a"), 0L)),
            c("f_cn03_wrong_dotdot", "CN03", "/docs/a/b's parent field names /many", Recipe.TREE, p -> {
                long ino = p.ino("/docs/a/b");
                p.s.set(Le.LONG, p.inode(ino) + InodeFormat.OFF_PARENT, p.ino("/many"));
                p.fixInodeCrc(ino);
            }),
            c("f_cn04_detached_file", "CN04", "the only entry of a file cleared", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.entry(1, "hello.txt"), 0L)),
            c("f_cn05_orphans", "CN05", "crash with files unlinked while open", Recipe.ORPHANS, p -> {}),
            c("f_cn06_no_lost_found", "CN06", "a detached file and no /lost+found to put it in", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.entry(p.ino("/docs/a/b"), "deep.txt"), 0L)),
            c("f_cn06_full_inode_table", "CN06",
                "every inode of the one-chunk table in use by a file no entry names: /lost+found needs a new chunk", Recipe.EMPTY, p -> {
                for (long ino = 2; ino < InodeTable.chunkStart(1); ino++) {
                    long rec = p.inode(ino);
                    p.s.set(Le.INT, rec + InodeFormat.OFF_MODE, Mode.S_IFREG | 0644);
                    p.s.set(Le.INT, rec + InodeFormat.OFF_NLINK, 1);
                    p.fixInodeCrc(ino);
                }
            }),
            c("f_cn07_lost_found_not_dir", "CN07", "/lost+found is a regular file, and a file needs reconnecting", Recipe.TREE, p -> {
                long entry = p.entry(1, "fragmented");
                p.s.asSlice(entry + DirentFormat.OFF_NAME, 10).copyFrom(java.lang.foreign.MemorySegment.ofArray(
                        "lost+found".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                p.s.set(Le.LONG, p.entry(1, "hello.txt"), 0L);
            }),
            c("f_lc01_link_count", "LC01", "a file's link count one too high", Recipe.TREE,
                p -> p.editInode("/many/file-20", rec -> p.s.set(Le.INT, rec + InodeFormat.OFF_NLINK, 2))),
            c("f_sp01_leaked_pages", "SP01", "a record of a block nothing references", Recipe.TREE, p -> {
                int data = p.slot("fs-data");
                p.s.set(Le.LONG, p.emptyRecordSlot(data), RecordWord.encode(p.s.byteSize() / 4096 - 64, 3, data));
            }),
            c("f_sp02_unrecorded_block", "SP02", "the record of a file's block cleared", Recipe.TREE,
                p -> p.s.set(Le.LONG, p.recordAt(p.slot("fs-data"), p.firstExtentPage(p.ino("/hello.txt"))), 0L)),
            c("f_sp03_wrong_owner", "SP03", "a file's block recorded under the metadata owner", Recipe.TREE, p -> {
                long page = p.firstExtentPage(p.ino("/hello.txt"));
                p.s.set(Le.LONG, p.recordAt(p.slot("fs-data"), page), 0L);
                p.s.set(Le.LONG, p.emptyRecordSlot(p.slot("fs-meta")), RecordWord.encode(page, 0, p.slot("fs-meta")));
            }),
            c("f_sp04_cut_off_release", "SP04", "a file's first extent halved, its block still recorded whole (a punch whose release a crash cut off)",
                Recipe.TREE, p -> p.editInode("/docs/big.bin", rec -> {
                    long at = rec + InodeFormat.OFF_INLINE + 8;
                    long packed = p.s.get(Le.LONG, at);
                    int order = InodeFormat.physicalOrder(packed);
                    p.s.set(Le.LONG, at, InodeFormat.packPhysical(InodeFormat.physicalPage(packed), order - 1));
                    long pages = rec + InodeFormat.OFF_PAGES;
                    p.s.set(Le.LONG, pages, p.s.get(Le.LONG, pages) - (1L << (order - 1)));
                }))
        );
    }

    private static Case c(String name, String code, String description, Recipe recipe, Consumer<Poke> corrupt) {
        return new Case(name, code, description, recipe, corrupt);
    }

    private static void flip(Poke p, long at) {
        p.s.set(ValueLayout.JAVA_BYTE, at, (byte) (p.s.get(ValueLayout.JAVA_BYTE, at) ^ 0x10));
    }

    private static void addOwner(Poke p, int slot, UUID uuid, String label) {
        OwnerTableFormat.writeBody(p.media, slot, uuid, label);
        p.s.set(Le.LONG, OwnerTableFormat.slotOffset(slot), OwnerTableFormat.liveState(p.media, slot));
    }

    static long journalBase(Poke p) {
        return p.s.get(Le.LONG, p.sb() + FsSuperblockFormat.OFF_JOURNAL_PAGE) << 12;
    }

    private static long journalSize(Poke p) {
        return (1L << p.s.get(Le.INT, p.sb() + FsSuperblockFormat.OFF_JOURNAL_ORDER)) << 12;
    }

    private static long freeInode(Poke p) {
        for (long ino = 2; ; ino++) {
            if (p.s.get(Le.INT, p.inode(ino) + InodeFormat.OFF_MODE) == 0) {
                return ino;
            }
        }
    }

    /**
     * Appends a record at the end of the committed log: with {@code checksummed}, a complete record
     * (good CRC) whose one write lies outside the namespace; otherwise a transaction header whose
     * body never made it (a torn tail).
     */
    private static void appendRecord(Poke p, boolean checksummed) {
        long base = journalBase(p);
        JournalCheck.Inspection j = JournalCheck.inspect(p.media, base, journalSize(p));
        long at = base + 4096 + j.endOffset();
        int length = JournalFormat.REC_HEADER + JournalFormat.WRITE_HEADER + 8;
        p.s.asSlice(at, length).fill((byte) 0);
        p.s.set(Le.INT, at + JournalFormat.REC_MAGIC, JournalFormat.TXN_MAGIC);
        p.s.set(Le.INT, at + JournalFormat.REC_WRITES, 1);
        p.s.set(Le.LONG, at + JournalFormat.REC_SEQ, j.nextSeq());
        p.s.set(Le.INT, at + JournalFormat.REC_LENGTH, length);
        p.s.set(Le.LONG, at + JournalFormat.REC_HEADER, p.s.byteSize() + 4096);
        p.s.set(Le.INT, at + JournalFormat.REC_HEADER + 8, 8);
        if (checksummed) {
            p.s.set(Le.INT, at + JournalFormat.REC_CRC, Le.crc32c(p.s, at, length));
        } else {
            p.s.set(Le.INT, at + JournalFormat.REC_CRC, 0x0bad0bad);
        }
    }
}
