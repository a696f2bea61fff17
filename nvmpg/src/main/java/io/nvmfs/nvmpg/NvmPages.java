package io.nvmfs.nvmpg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The nvmpg page allocator over one namespace: power-of-two blocks of 4 KiB pages, each
 * allocation recorded on the media under its owner, free lists in DRAM only.
 *
 * <h2>Commit points (see FORMAT.md for the full persist order)</h2>
 * <ul>
 * <li>alloc: the store of the record word into a free slot, then its persist. Before it the
 *     block is free after a crash; after it, allocated. A new record page is initialised and
 *     persisted with its first record in it, and committed by the one store that links it.</li>
 * <li>free: the store of 0 into the record's slot, then its persist. The block reaches the
 *     DRAM free lists only after that persist, so it can never be handed out while its old
 *     record may still be on the media (which would let a crash produce two owners).</li>
 * <li>release/split: new records for the kept pieces are written and persisted first (a crash
 *     then leaves them nested inside the still-live old record, and attach clears them); the
 *     commit is the store that rewrites the old record's slot to the first kept piece.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * One {@link ReentrantLock} guards every DRAM structure (buddy, index, record pages, owner
 * states). Record words are stored under it (the index reads its keys from them) but the
 * persists of alloc and free are made outside it: a reserved slot, or a block already taken
 * out of the index, is private to its thread until the lock is taken again. The rare
 * record-page link/unlink and release/split persist under the lock, because other threads'
 * records or the index depend on them. There is no other lock, hence no lock order to keep.
 */
public final class NvmPages {
    private final Media media;
    private final Superblock superblock;
    private final boolean writable;
    private final List<String> attachRepairs;
    private final long usableEnd;

    private final ReentrantLock lock = new ReentrantLock();
    /** Live owners by slot; null for a free slot. Guarded by lock. */
    private final OwnerState[] owners;
    /** Guarded by lock. */
    private final RecordPages recordPages;
    /** First page of each allocated block to its slot reference. Guarded by lock. */
    private final RecordIndex index;
    /** Guarded by lock. */
    private final Buddy buddy;

    private NvmPages(Media media, AttachScan scan, boolean writable) {
        this.media = media;
        this.superblock = scan.superblock;
        this.writable = writable;
        this.attachRepairs = List.copyOf(scan.repairs);
        this.usableEnd = scan.usableEnd;
        this.owners = scan.owners;
        this.recordPages = scan.recordPages;
        this.index = scan.index;
        this.buddy = scan.buddy;
    }

    /** Formats {@code media} as an empty namespace and attaches it. Everything it held is lost. */
    public static NvmPages format(Media media, FormatOptions options) throws NvmpgException {
        Formatter.format(media, options);
        return attach(media);
    }

    /** Attaches read-write, repairing what a crash can leave (see {@link #attachRepairs()}). */
    public static NvmPages attach(Media media) throws NvmpgException {
        return new NvmPages(media, AttachScan.run(media, true), true);
    }

    /** Attaches without writing anything; allocation calls throw {@link IllegalStateException}. */
    public static NvmPages attachReadOnly(Media media) throws NvmpgException {
        return new NvmPages(media, AttachScan.run(media, false), false);
    }

    public Media media() {
        return media;
    }

    public Superblock superblock() {
        return superblock;
    }

    /** What attach repaired (or, read-only, would have): one line each. */
    public List<String> attachRepairs() {
        return attachRepairs;
    }

    // ---------------------------------------------------------------- owners

    /** The live owner with {@code uuid}, creating it with {@code label} if there is none. */
    public Owner openOwner(UUID uuid, String label) throws OwnerTableFullException {
        Labels.encode(label, OwnerTableFormat.LABEL_BYTES);
        lock.lock();
        try {
            Optional<Owner> existing = findOwnerLocked(uuid);
            if (existing.isPresent()) {
                return existing.get();
            }
            checkWritable();
            int slot = -1;
            for (int s = 0; s < owners.length && slot < 0; s++) {
                if (owners[s] == null) {
                    slot = s;
                }
            }
            if (slot < 0) {
                throw new OwnerTableFullException(owners.length);
            }
            // Body first, then the state word: a crash between them leaves a free slot.
            OwnerTableFormat.writeBody(media, slot, uuid, label);
            media.persist(OwnerTableFormat.slotOffset(slot), OwnerTableFormat.SLOT_SIZE);
            OwnerTableFormat.commit(media, slot);
            media.persist(OwnerTableFormat.slotOffset(slot), 8);
            Owner owner = new Owner(slot, uuid, label);
            owners[slot] = new OwnerState(owner);
            return owner;
        } finally {
            lock.unlock();
        }
    }

    public Optional<Owner> findOwner(UUID uuid) {
        lock.lock();
        try {
            return findOwnerLocked(uuid);
        } finally {
            lock.unlock();
        }
    }

    /** Live owners, nvmpg's own first. */
    public List<Owner> owners() {
        lock.lock();
        try {
            List<Owner> out = new ArrayList<>();
            for (OwnerState o : owners) {
                if (o != null) {
                    out.add(o.owner);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** nvmpg's own owner, whose records are the record pages. */
    public Owner allocatorOwner() {
        return owners[OwnerTableFormat.ALLOCATOR_SLOT].owner;
    }

    /** The owner's root slot (0 until it sets one). */
    public long root(Owner owner) {
        state(owner);
        return media.getLong(OwnerTableFormat.rootOffset(owner.slot()));
    }

    /** Stores and persists the owner's root slot: one aligned 8-byte store, atomic across a crash. */
    public void setRoot(Owner owner, long value) {
        state(owner);
        checkWritable();
        long off = OwnerTableFormat.rootOffset(owner.slot());
        media.putLong(off, value);
        media.persist(off, 8);
    }

    // ---------------------------------------------------------------- alloc / free

    /** Allocates a block of 2^order pages to {@code owner}; returns its first page. */
    public long alloc(Owner owner, int order) throws OutOfSpaceException {
        Pages.checkOrder(order);
        checkWritable();
        long page;
        long off;
        lock.lock();
        try {
            OwnerState o = state(owner);
            page = takeLocked(order);
            long word = RecordWord.encode(page, order, owner.slot());
            int ref = recordPages.reserve(o);
            if (ref == RecordPages.NONE) {
                try {
                    linkNewRecordPageLocked(o, word);
                } catch (OutOfSpaceException e) {
                    buddy.give(page, order);
                    throw e;
                }
                index.putIfAbsent(page, RecordPages.ref(o.chainHead, 0));
                o.pages += 1L << order;
                o.records++;
                return page;
            }
            // The store is made under the lock (the index reads keys from it); its persist is not.
            off = slotOffset(ref);
            media.putLong(off, word);
            index.putIfAbsent(page, ref);
            o.pages += 1L << order;
            o.records++;
        } finally {
            lock.unlock();
        }
        media.persist(off, 8);
        return page;
    }

    /** Frees a whole block previously allocated to {@code owner} at {@code order}. */
    public void free(Owner owner, long page, int order) throws InvalidBlockException {
        Pages.checkOrder(order);
        checkWritable();
        int ref;
        OwnerState o;
        lock.lock();
        try {
            o = state(owner);
            ref = lookupLocked(o, page, order);
            index.remove(page);
        } finally {
            lock.unlock();
        }
        long off = slotOffset(ref);
        media.putLong(off, RecordWord.EMPTY);
        media.persist(off, 8);
        lock.lock();
        try {
            o.pages -= 1L << order;
            o.records--;
            releaseSlotLocked(o, ref);
            buddy.give(page, order);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees pages {@code [from, from+count)} of the block {@code (page, order)} and keeps the rest,
     * page-exactly, as the fewest aligned blocks (returned in address order, all still owned).
     * Atomic across a crash: either the whole block is still owned or exactly the returned pieces are.
     */
    public List<Block> release(Owner owner, long page, int order, long from, long count)
            throws InvalidBlockException, OutOfSpaceException {
        Pages.checkOrder(order);
        long end = page + (1L << order);
        if (count <= 0 || from < page || from + count > end) {
            throw new IllegalArgumentException("pages [" + from + ", " + (from + count) + ") are not inside "
                    + new Block(page, order));
        }
        List<Block> kept = new ArrayList<>(AlignedBlocks.of(page, from));
        kept.addAll(AlignedBlocks.of(from + count, end));
        if (kept.isEmpty()) {
            free(owner, page, order);
            return List.of();
        }
        replace(owner, page, order, kept);
        lock.lock();
        try {
            AlignedBlocks.forEach(from, from + count, buddy::give);
            state(owner).pages -= count;
        } finally {
            lock.unlock();
        }
        return Collections.unmodifiableList(kept);
    }

    /** Replaces the block {@code (page, order)} by its two halves, both still owned. */
    public List<Block> split(Owner owner, long page, int order) throws InvalidBlockException, OutOfSpaceException {
        if (order == 0) {
            throw new IllegalArgumentException("an order-0 block cannot be split");
        }
        List<Block> halves = List.of(new Block(page, order - 1), new Block(page + (1L << (order - 1)), order - 1));
        replace(owner, page, order, halves);
        return halves;
    }

    /**
     * Atomically replaces one record by records for {@code pieces}, which lie inside it. Runs
     * wholly under the lock, persists included: it is rare (hole punch, truncate inside an
     * extent), and the index must never see a slot whose word is between two meanings.
     */
    private void replace(Owner owner, long page, int order, List<Block> pieces)
            throws InvalidBlockException, OutOfSpaceException {
        checkWritable();
        int n = pieces.size();
        int[] refs = new int[n];
        lock.lock();
        try {
            OwnerState o = state(owner);
            refs[0] = lookupLocked(o, page, order);
            int reserved = 1;
            try {
                for (; reserved < n; reserved++) {
                    refs[reserved] = reserveOrLinkLocked(o);
                }
            } catch (OutOfSpaceException e) {
                for (int i = 1; i < reserved; i++) {
                    releaseSlotLocked(o, refs[i]);
                }
                throw e;
            }
            o.records += n - 1;
            // Pieces first: until the commit below they lie nested in the live old record,
            // and attach clears them.
            for (int i = 1; i < n; i++) {
                long off = slotOffset(refs[i]);
                media.putLong(off, RecordWord.encode(pieces.get(i).page(), pieces.get(i).order(), owner.slot()));
                media.persist(off, 8);
            }
            index.remove(page);
            long commit = slotOffset(refs[0]);
            media.putLong(commit, RecordWord.encode(pieces.get(0).page(), pieces.get(0).order(), owner.slot()));
            media.persist(commit, 8);
            for (int i = 0; i < n; i++) {
                index.putIfAbsent(pieces.get(i).page(), refs[i]);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- queries

    /** The owner's blocks in address order (for nvmpg's own owner: the record pages). */
    public List<Block> records(Owner owner) {
        lock.lock();
        try {
            OwnerState o = state(owner);
            List<Block> out = new ArrayList<>();
            if (owner.slot() == OwnerTableFormat.ALLOCATOR_SLOT) {
                for (OwnerState each : owners) {
                    for (RecordPage rp = each == null ? null : each.chainHead; rp != null; rp = rp.chainNext) {
                        out.add(new Block(rp.page, 0));
                    }
                }
            } else {
                for (RecordPage rp = o.chainHead; rp != null; rp = rp.chainNext) {
                    for (int s = 0; s < RecordPageFormat.SLOTS; s++) {
                        long word = rp.isFree(s) ? 0 : media.getLong(RecordPageFormat.slotOffset(rp.page, s));
                        if (word != 0) {
                            out.add(new Block(RecordWord.page(word), RecordWord.order(word)));
                        }
                    }
                }
            }
            Collections.sort(out);
            return out;
        } finally {
            lock.unlock();
        }
    }

    public long freePages() {
        lock.lock();
        try {
            return buddy.freePages();
        } finally {
            lock.unlock();
        }
    }

    public AllocatorStats stats() {
        lock.lock();
        try {
            List<Integer> perOrder = new ArrayList<>(Pages.MAX_ORDER + 1);
            for (int k = 0; k <= Pages.MAX_ORDER; k++) {
                perOrder.add(buddy.freeBlocks(k));
            }
            Map<Owner, Long> perOwner = new LinkedHashMap<>();
            for (OwnerState o : owners) {
                if (o != null) {
                    perOwner.put(o.owner, o.pages);
                }
            }
            return new AllocatorStats(superblock.totalPages(), usableEnd - Layout.FIRST_USABLE_PAGE, buddy.freePages(),
                    List.copyOf(perOrder), Collections.unmodifiableMap(perOwner), recordPages.count(), dramBytesLocked());
        } finally {
            lock.unlock();
        }
    }

    /** Sorted first pages of the free blocks of each order: the exact free state, for tests and fsck. */
    public long[][] freeBlocksByOrder() {
        lock.lock();
        try {
            long[][] out = new long[Pages.MAX_ORDER + 1][];
            for (int k = 0; k <= Pages.MAX_ORDER; k++) {
                out[k] = buddy.freeBlocksOf(k);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- internals

    private long takeLocked(int order) throws OutOfSpaceException {
        long page = buddy.take(order);
        if (page < 0) {
            throw new OutOfSpaceException(order, buddy.freePages(), buddy.largestFreeOrder());
        }
        return page;
    }

    private int reserveOrLinkLocked(OwnerState o) throws OutOfSpaceException {
        int ref = recordPages.reserve(o);
        if (ref == RecordPages.NONE) {
            linkNewRecordPageLocked(o, RecordWord.EMPTY);
            ref = RecordPages.ref(o.chainHead, 0);
        }
        return ref;
    }

    /**
     * Takes a page, writes it as an empty record page (with {@code firstRecord} in slot 0 unless
     * EMPTY) whose next is the current head, persists it, then links it with one store to the
     * owner's head word and persists that: the link is the commit. Slot 0 ends up reserved.
     */
    private void linkNewRecordPageLocked(OwnerState o, long firstRecord) throws OutOfSpaceException {
        long page = takeLocked(0);
        int slot = o.owner.slot();
        long next = o.chainHead == null ? 0 : o.chainHead.page;
        RecordPageFormat.init(media, page, slot, next);
        media.putLong(RecordPageFormat.slotOffset(page, 0), firstRecord);
        media.persist(Pages.toBytes(page), Pages.SIZE);
        media.putLong(OwnerTableFormat.headOffset(slot), LinkWord.encode(page, LinkWord.headHolder(slot)));
        media.persist(OwnerTableFormat.headOffset(slot), 8);
        RecordPage rp = recordPages.addAtHead(o, page);
        recordPages.reserve(o);
        if (rp.used != 1) {
            throw new IllegalStateException("new record page " + Pages.hex(page) + " did not take its first slot");
        }
        OwnerState allocator = owners[OwnerTableFormat.ALLOCATOR_SLOT];
        allocator.pages++;
        allocator.records++;
    }

    /**
     * Frees a slot whose zero store is persisted (or that was never written). An owner keeps at
     * most one empty record page as a spare while it holds records, and none once it holds no
     * record, so freeing everything gives back every page. Call after updating {@code o.records}.
     */
    private void releaseSlotLocked(OwnerState o, int ref) {
        RecordPage empty = recordPages.release(o, ref);
        if (empty != null) {
            unlinkLocked(o, empty);
        }
        if (o.records == 0) {
            while (o.chainHead != null) {
                unlinkLocked(o, o.chainHead);
            }
        }
    }

    /** Unlinks an empty record page with one persisted store to its predecessor's link, then frees it. */
    private void unlinkLocked(OwnerState o, RecordPage empty) {
        long next = empty.chainNext == null ? 0 : empty.chainNext.page;
        long link;
        long holder;
        if (empty.chainPrev == null) {
            link = OwnerTableFormat.headOffset(o.owner.slot());
            holder = LinkWord.headHolder(o.owner.slot());
        } else {
            link = RecordPageFormat.nextOffset(empty.chainPrev.page);
            holder = empty.chainPrev.page;
        }
        media.putLong(link, LinkWord.encode(next, holder));
        media.persist(link, 8);
        recordPages.remove(o, empty);
        buddy.give(empty.page, 0);
        OwnerState allocator = owners[OwnerTableFormat.ALLOCATOR_SLOT];
        allocator.pages--;
        allocator.records--;
    }

    private int lookupLocked(OwnerState o, long page, int order) throws InvalidBlockException {
        int ref = index.get(page);
        if (ref == RecordPages.NONE) {
            throw new InvalidBlockException(new Block(page, order) + " is not allocated (double free?)");
        }
        RecordPage rp = recordPages.pageOf(ref);
        long word = media.getLong(slotOffset(ref));
        if (rp.owner != o.owner.slot()) {
            throw new InvalidBlockException(new Block(page, order) + " belongs to owner "
                    + owners[rp.owner].owner + ", not " + o.owner);
        }
        if (RecordWord.order(word) != order) {
            throw new InvalidBlockException("block " + Pages.hex(page) + " was allocated at order "
                    + RecordWord.order(word) + ", not " + order);
        }
        return ref;
    }

    private long slotOffset(int ref) {
        return RecordPageFormat.slotOffset(recordPages.pageOf(ref).page, RecordPages.slotOf(ref));
    }

    private OwnerState state(Owner owner) {
        OwnerState o = owner.slot() >= 0 && owner.slot() < owners.length ? owners[owner.slot()] : null;
        if (o == null || !o.owner.equals(owner)) {
            throw new IllegalArgumentException("owner " + owner + " is not live in this namespace");
        }
        return o;
    }

    private Optional<Owner> findOwnerLocked(UUID uuid) {
        for (OwnerState o : owners) {
            if (o != null && o.owner.uuid().equals(uuid)) {
                return Optional.of(o.owner);
            }
        }
        return Optional.empty();
    }

    private void checkWritable() {
        if (!writable) {
            throw new IllegalStateException("namespace is attached read-only");
        }
    }

    private long dramBytesLocked() {
        return buddy.dramBytes() + index.dramBytes() + recordPages.dramBytes() + 64L * owners.length;
    }
}
