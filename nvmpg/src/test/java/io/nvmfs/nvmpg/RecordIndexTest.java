package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The allocation index, block page to record slot reference, whose keys are read back from the
 * record words on the media. Used as its contract says (word stored before put, removed before
 * the word is cleared), it behaves as a map; the random test compares it with a {@link HashMap}.
 */
class RecordIndexTest {
    private static final int OWNER_SLOT = 3;
    private static final int RECORD_PAGES = 16;

    private Arena arena;
    private Media media;
    private RecordPages pages;
    private OwnerState owner;
    private RecordIndex index;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        media = TestMedia.zeroed(arena, (RECORD_PAGES + 1) * (long) Pages.SIZE);
        pages = new RecordPages();
        owner = new OwnerState(new Owner(OWNER_SLOT, UUID.randomUUID(), "index-test"));
        for (long p = 1; p <= RECORD_PAGES; p++) {
            RecordPageFormat.init(media, p, OWNER_SLOT, 0);
            pages.addAtHead(owner, p);
        }
        index = new RecordIndex(media, pages);
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    /** Writes the record of block {@code (page, order)} into a free slot, as NvmPages does before indexing it. */
    private int record(long page, int order) {
        int ref = pages.reserve(owner);
        assertNotEquals(RecordPages.NONE, ref, "out of record slots");
        media.putLong(slotOffset(ref), RecordWord.encode(page, order, OWNER_SLOT));
        return ref;
    }

    private long slotOffset(int ref) {
        return RecordPageFormat.slotOffset(pages.pageOf(ref).page, RecordPages.slotOf(ref));
    }

    /** Clears the record word of {@code ref} and frees its slot (after the index forgot it). */
    private void clear(int ref) {
        media.putLong(slotOffset(ref), RecordWord.EMPTY);
        pages.release(owner, ref);
    }

    /** Records and indexes {@code page}; returns the reference. */
    private int add(long page) {
        int ref = record(page, 0);
        assertEquals(RecordIndex.NONE, index.putIfAbsent(page, ref));
        return ref;
    }

    /** Unindexes {@code page} and clears its record. */
    private int drop(long page) {
        int ref = index.remove(page);
        if (ref != RecordIndex.NONE) {
            clear(ref);
        }
        return ref;
    }

    @Test
    void anEmptyIndexFindsNothing() {
        assertEquals(0, index.size());
        assertEquals(RecordIndex.NONE, index.get(0));
        assertEquals(RecordIndex.NONE, index.get(12345));
        assertEquals(RecordIndex.NONE, index.remove(12345));
    }

    @Test
    void putGetAndRemoveOfOneBlock() {
        int ref = add(4096);
        assertEquals(1, index.size());
        assertEquals(ref, index.get(4096));
        assertEquals(RecordIndex.NONE, index.get(4097));
        assertEquals(ref, drop(4096));
        assertEquals(RecordIndex.NONE, index.get(4096));
        assertEquals(RecordIndex.NONE, index.remove(4096), "a second remove finds nothing");
        assertEquals(0, index.size());
    }

    @Test
    void aSecondPutOfAnIndexedPageReturnsTheFirstReferenceAndChangesNothing() {
        int first = add(64);
        int second = record(64, 0); // another record word naming the same block
        assertEquals(first, index.putIfAbsent(64, second));
        assertEquals(1, index.size());
        assertEquals(first, index.get(64));
        clear(second);
        assertEquals(first, index.get(64));
    }

    @Test
    void theKeyIsThePageOfTheRecordWordWhateverItsOrder() {
        int ref = record(1L << 30, Pages.MAX_ORDER);
        assertEquals(RecordIndex.NONE, index.putIfAbsent(1L << 30, ref));
        assertEquals(ref, index.get(1L << 30));
        int top = record(RecordWord.MAX_PAGE, 0);
        assertEquals(RecordIndex.NONE, index.putIfAbsent(RecordWord.MAX_PAGE, top));
        assertEquals(top, index.get(RecordWord.MAX_PAGE));
        assertEquals(RecordIndex.NONE, index.get(0));
    }

    @Test
    void growsToThousandsOfRecordsAndShrinksBackWhenTheyGo() {
        long initial = index.dramBytes();
        int n = RECORD_PAGES * RecordPageFormat.SLOTS; // every slot
        Map<Long, Integer> refs = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long page = (long) i << 8; // aligned block starts, 256 pages apart
            refs.put(page, add(page));
        }
        assertEquals(n, index.size());
        assertTrue(index.dramBytes() <= 16 + 4L * 4 * n, "4 bytes a slot, load at least 1/4: " + index.dramBytes());
        for (Map.Entry<Long, Integer> e : refs.entrySet()) {
            assertEquals((int) e.getValue(), index.get(e.getKey()), "page " + e.getKey());
        }
        for (Map.Entry<Long, Integer> e : refs.entrySet()) {
            assertEquals((int) e.getValue(), drop(e.getKey()));
        }
        assertEquals(0, index.size());
        assertEquals(initial, index.dramBytes(), "an emptied index is back to its minimum table");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomPutsAndRemovesBehaveAsAMap(long seed) {
        Random rnd = new Random(seed);
        Map<Long, Integer> model = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        int capacity = RECORD_PAGES * RecordPageFormat.SLOTS;
        for (int step = 0; step < 60_000; step++) {
            String at = "seed " + seed + " step " + step;
            boolean growing = (step / 6000) % 2 == 0;
            int op = rnd.nextInt(100);
            if ((op < (growing ? 65 : 30) || keys.isEmpty()) && model.size() < capacity - 1) {
                int order = rnd.nextInt(12);
                long page = rnd.nextInt(4) == 0 ? rnd.nextInt(2000) : (rnd.nextLong(RecordWord.MAX_PAGE) >>> order) << order;
                int ref = record(page, order);
                int present = index.putIfAbsent(page, ref);
                Integer known = model.get(page);
                if (known == null) {
                    assertEquals(RecordIndex.NONE, present, at + ": put of new page " + page);
                    model.put(page, ref);
                    keys.add(page);
                } else {
                    assertEquals((int) known, present, at + ": put of indexed page " + page);
                    clear(ref);
                }
            } else if (op < 95 && !keys.isEmpty()) {
                int i = rnd.nextInt(keys.size());
                long page = keys.get(i);
                keys.set(i, keys.getLast());
                keys.removeLast();
                assertEquals((int) model.remove(page), drop(page), at + ": remove " + page);
            } else {
                long page = rnd.nextLong(RecordWord.MAX_PAGE);
                assertEquals(model.containsKey(page) ? (int) model.get(page) : RecordIndex.NONE, index.get(page), at);
                if (!model.containsKey(page)) {
                    assertEquals(RecordIndex.NONE, index.remove(page), at + ": remove of absent page " + page);
                }
            }
            assertEquals(model.size(), index.size(), at + ": size");
            if (!keys.isEmpty()) {
                long page = keys.get(rnd.nextInt(keys.size()));
                assertEquals((int) model.get(page), index.get(page), at + ": get " + page);
            }
            if (step % 2000 == 0) {
                for (Map.Entry<Long, Integer> e : model.entrySet()) {
                    assertEquals((int) e.getValue(), index.get(e.getKey()), at + ": get " + e.getKey());
                }
            }
        }
    }
}
