package io.nvmfs.nvmpg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a namespace and rebuilds every DRAM structure from the records alone, validating
 * everything it reads: superblocks, owner table, each record page, each record. It never
 * trusts a length or count from the media: memory grows only with structures actually found,
 * chains are walked with a visited set, and every page number is range-checked before use.
 *
 * <p>The only states it repairs are the ones a crash can leave: a bad superblock copy next
 * to a good one (rewritten from the good one), and the records of a {@code release}/{@code split}
 * that had not reached its commit store (records nested inside a live block of the same
 * owner, which are cleared). Anything else is corruption and is reported, not guessed at.
 */
final class AttachScan {
    private static final int OWNER_BITS = 5;
    private static final int ORDER_SHIFT = OWNER_BITS;
    private static final int START_SHIFT = OWNER_BITS + 6;

    private final Media media;
    private final boolean writable;
    final List<String> repairs = new ArrayList<>();
    final OwnerState[] owners = new OwnerState[OwnerTableFormat.SLOTS];
    final RecordPages recordPages = new RecordPages();
    final RecordIndex index;
    final Buddy buddy = new Buddy();
    Superblock superblock;
    /** First page past the buddy space: the backup superblock. */
    long usableEnd;

    /** Busy blocks as sortable keys: start page, then larger orders first, then owner slot. */
    private long[] keys = new long[1024];
    private int keyCount;
    private final LongHashSet visitedRecordPages = new LongHashSet();
    private final List<RecordPage> scannedPages = new ArrayList<>();

    private AttachScan(Media media, boolean writable) {
        this.media = media;
        this.writable = writable;
        this.index = new RecordIndex(media, recordPages);
    }

    static AttachScan run(Media media, boolean writable) throws NvmpgException {
        AttachScan scan = new AttachScan(media, writable);
        scan.readSuperblock();
        scan.readOwnerTable();
        for (OwnerState o : scan.owners) {
            if (o != null) {
                scan.walkChain(o);
            }
        }
        for (RecordPage rp : scan.scannedPages) {
            scan.recordPages.settleScanned(scan.owners[rp.owner], rp);
        }
        scan.resolveOverlaps();
        scan.buildBuddy();
        return scan;
    }

    private void readSuperblock() throws NvmpgException {
        long nsPages = media.pages();
        if (nsPages < Layout.MIN_PAGES) {
            throw new NotFormattedException("namespace of " + media.size() + " bytes is smaller than any nvmpg namespace");
        }
        long primaryOff = Pages.toBytes(Layout.PRIMARY_SUPERBLOCK_PAGE);
        Superblock primary = null;
        CorruptNamespaceException primaryError = null;
        try {
            primary = SuperblockFormat.read(media, primaryOff, nsPages);
        } catch (CorruptNamespaceException e) {
            primaryError = e;
        }
        long backupPage = primary != null ? primary.backupPage() : Layout.backupSuperblockPage(nsPages);
        long backupOff = Pages.toBytes(backupPage);
        Superblock backup = null;
        CorruptNamespaceException backupError = null;
        try {
            backup = SuperblockFormat.read(media, backupOff, nsPages);
            if (primary != null && !primary.equals(backup)) {
                backupError = new CorruptNamespaceException("superblock at " + Pages.hex(backupOff),
                        "differs from the primary copy");
                backup = null;
            }
        } catch (CorruptNamespaceException e) {
            backupError = e;
        }
        if (primary == null && backup == null) {
            if (!SuperblockFormat.hasMagic(media, primaryOff) && !SuperblockFormat.hasMagic(media, backupOff)) {
                throw new NotFormattedException("no nvmpg superblock (neither copy has the magic): not an nvmpg namespace;"
                        + " format it first");
            }
            throw primaryError;
        }
        superblock = primary != null ? primary : backup;
        usableEnd = superblock.backupPage();
        if (primary == null) {
            restoreCopy(primaryOff, "primary superblock", primaryError);
        } else if (backup == null) {
            restoreCopy(backupOff, "backup superblock", backupError);
        }
    }

    private void restoreCopy(long offset, String name, CorruptNamespaceException problem) {
        if (writable) {
            SuperblockFormat.writeDurably(media, offset, superblock);
            repairs.add(name + " rewritten from the other copy (" + problem.getMessage() + ")");
        } else {
            repairs.add(name + " is bad, not rewritten (read-only): " + problem.getMessage());
        }
    }

    private void readOwnerTable() throws CorruptNamespaceException {
        Set<UUID> seen = new HashSet<>();
        for (int slot = 0; slot < OwnerTableFormat.SLOTS; slot++) {
            long state = OwnerTableFormat.state(media, slot);
            if (state == 0) {
                continue;
            }
            String where = "owner slot " + slot + " at " + Pages.hex(OwnerTableFormat.slotOffset(slot));
            if ((int) state != OwnerTableFormat.STATE_MAGIC) {
                throw new CorruptNamespaceException(where, "state word " + Long.toHexString(state)
                        + " is neither free (0) nor a live owner");
            }
            if (state != OwnerTableFormat.liveState(media, slot)) {
                throw new CorruptNamespaceException(where, "checksum mismatch over uuid and label");
            }
            UUID uuid = OwnerTableFormat.uuid(media, slot);
            if (!seen.add(uuid)) {
                throw new CorruptNamespaceException(where, "uuid " + uuid + " is used by another owner slot too");
            }
            owners[slot] = new OwnerState(new Owner(slot, uuid, OwnerTableFormat.label(media, slot)));
        }
        OwnerState allocator = owners[OwnerTableFormat.ALLOCATOR_SLOT];
        if (allocator == null || !allocator.owner.uuid().equals(OwnerTableFormat.ALLOCATOR_UUID)) {
            throw new CorruptNamespaceException("owner slot 0", "is not nvmpg's own owner");
        }
    }

    private void walkChain(OwnerState o) throws CorruptNamespaceException {
        int slot = o.owner.slot();
        OwnerState allocator = owners[OwnerTableFormat.ALLOCATOR_SLOT];
        String linkWhere = "owner slot " + slot + " (" + o.owner + ") head";
        long linkWord = media.getLong(OwnerTableFormat.headOffset(slot));
        long holder = LinkWord.headHolder(slot);
        RecordPage tail = null;
        while (linkWord != LinkWord.END) {
            String linkProblem = LinkWord.problem(linkWord, holder);
            if (linkProblem != null) {
                throw new CorruptNamespaceException(linkWhere, linkProblem);
            }
            long page = LinkWord.target(linkWord);
            if (page < Layout.FIRST_USABLE_PAGE || page >= usableEnd) {
                throw new CorruptNamespaceException(linkWhere, "link to page " + Pages.hex(page)
                        + " lies outside the buddy space [" + Pages.hex(Layout.FIRST_USABLE_PAGE) + ", " + Pages.hex(usableEnd) + ")");
            }
            if (!visitedRecordPages.add(page)) {
                throw new CorruptNamespaceException(linkWhere, "link to record page " + Pages.hex(Pages.toBytes(page))
                        + " revisits a page already in a chain (loop or shared page)");
            }
            String where = "record page " + Pages.hex(Pages.toBytes(page));
            String problem = RecordPageFormat.headerProblem(media, page, slot);
            if (problem != null) {
                throw new CorruptNamespaceException(where, problem + " (linked from " + linkWhere + ")");
            }
            RecordPage rp = recordPages.addScanned(o, page, tail);
            scannedPages.add(rp);
            addKey(page, 0, OwnerTableFormat.ALLOCATOR_SLOT);
            allocator.pages++;
            allocator.records++;
            for (int s = 0; s < RecordPageFormat.SLOTS; s++) {
                long word = media.getLong(RecordPageFormat.slotOffset(page, s));
                if (word != RecordWord.EMPTY) {
                    readRecord(o, rp, s, word);
                }
            }
            tail = rp;
            linkWhere = where + " next";
            holder = page;
            linkWord = media.getLong(RecordPageFormat.nextOffset(page));
        }
    }

    private void readRecord(OwnerState o, RecordPage rp, int slot, long word) throws CorruptNamespaceException {
        String where = "record page " + Pages.hex(Pages.toBytes(rp.page)) + " slot " + slot;
        String problem = RecordWord.problem(word, o.owner.slot());
        if (problem != null) {
            throw new CorruptNamespaceException(where, problem);
        }
        long start = RecordWord.page(word);
        int order = RecordWord.order(word);
        Block block = new Block(start & ~((1L << order) - 1), order);
        if ((start & ((1L << order) - 1)) != 0) {
            throw new CorruptNamespaceException(where, "block " + Pages.hex(start) + " order " + order + " is not aligned to its order");
        }
        if (start < Layout.FIRST_USABLE_PAGE || block.end() > usableEnd) {
            throw new CorruptNamespaceException(where, block + " lies outside the buddy space ["
                    + Pages.hex(Layout.FIRST_USABLE_PAGE) + ", " + Pages.hex(usableEnd) + ")");
        }
        int ref = RecordPages.ref(rp, slot);
        int previous = index.putIfAbsent(start, ref);
        if (previous != RecordPages.NONE) {
            throw new CorruptNamespaceException(where, block + " overlaps " + describeRecord(previous));
        }
        rp.markUsed(slot);
        addKey(start, order, o.owner.slot());
        o.pages += 1L << order;
        o.records++;
    }

    /**
     * Sorted sweep over every busy block. A block starting inside the previous one is either the
     * trace of an uncommitted split (same owner, fully nested: cleared) or corruption.
     */
    private void resolveOverlaps() throws CorruptNamespaceException {
        Arrays.sort(keys, 0, keyCount);
        long outerStart = -1;
        long outerEnd = -1;
        int outerOrder = 0;
        int outerOwner = -1;
        for (int i = 0; i < keyCount; i++) {
            long key = keys[i];
            long start = key >>> START_SHIFT;
            int order = 63 - (int) ((key >>> ORDER_SHIFT) & 63);
            int owner = (int) (key & ((1 << OWNER_BITS) - 1));
            long end = start + (1L << order);
            if (start >= outerEnd) {
                outerStart = start;
                outerEnd = end;
                outerOrder = order;
                outerOwner = owner;
                continue;
            }
            if (owner == outerOwner && owner != OwnerTableFormat.ALLOCATOR_SLOT && end <= outerEnd) {
                dropUncommittedSplit(start, order, owner, outerStart, outerOrder);
                keys[i] = -1;
                continue;
            }
            throw new CorruptNamespaceException(locate(start, order, owner),
                    new Block(start, order) + " overlaps " + describe(outerStart, outerOrder, outerOwner));
        }
    }

    private void dropUncommittedSplit(long start, int order, int ownerSlot, long outerStart, int outerOrder) {
        OwnerState o = owners[ownerSlot];
        int ref = index.remove(start);
        RecordPage rp = recordPages.pageOf(ref);
        String what = new Block(start, order) + " of owner " + o.owner + " nested in " + new Block(outerStart, outerOrder);
        if (!writable) {
            repairs.add("uncommitted split record " + what + " not cleared (read-only)");
            return;
        }
        long off = RecordPageFormat.slotOffset(rp.page, RecordPages.slotOf(ref));
        media.putLong(off, RecordWord.EMPTY);
        media.persist(off, 8);
        recordPages.release(o, ref);
        o.pages -= 1L << order;
        o.records--;
        repairs.add("cleared uncommitted split record " + what);
    }

    private void buildBuddy() {
        long cursor = Layout.FIRST_USABLE_PAGE;
        for (int i = 0; i < keyCount; i++) {
            long key = keys[i];
            if (key < 0) {
                continue;
            }
            long start = key >>> START_SHIFT;
            int order = 63 - (int) ((key >>> ORDER_SHIFT) & 63);
            if (start > cursor) {
                buddy.addRange(cursor, start);
            }
            cursor = Math.max(cursor, start + (1L << order));
        }
        if (cursor < usableEnd) {
            buddy.addRange(cursor, usableEnd);
        }
        keys = null;
    }

    private void addKey(long start, int order, int ownerSlot) {
        if (keyCount == keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[keyCount++] = (start << START_SHIFT) | ((long) (63 - order) << ORDER_SHIFT) | ownerSlot;
    }

    private String locate(long start, int order, int ownerSlot) {
        if (ownerSlot == OwnerTableFormat.ALLOCATOR_SLOT) {
            return "record page " + Pages.hex(Pages.toBytes(start));
        }
        int ref = index.get(start);
        RecordPage rp = recordPages.pageOf(ref);
        return "record page " + Pages.hex(Pages.toBytes(rp.page)) + " slot " + RecordPages.slotOf(ref);
    }

    private String describe(long start, int order, int ownerSlot) {
        if (ownerSlot == OwnerTableFormat.ALLOCATOR_SLOT) {
            return "record page " + Pages.hex(Pages.toBytes(start)) + " (a page of an owner's record chain)";
        }
        return new Block(start, order) + " of owner " + owners[ownerSlot].owner;
    }

    private String describeRecord(int ref) {
        RecordPage rp = recordPages.pageOf(ref);
        long word = media.getLong(RecordPageFormat.slotOffset(rp.page, RecordPages.slotOf(ref)));
        return describe(RecordWord.page(word), RecordWord.order(word), rp.owner)
                + " (record page " + Pages.hex(Pages.toBytes(rp.page)) + " slot " + RecordPages.slotOf(ref) + ")";
    }
}
