package io.nvmfs.nvmpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The set behind each buddy free list: a set of non-negative longs through growth, shrinking,
 * deletion inside and across the end of probe runs, and removeAny; memory bounded by the
 * element count, not by how many elements it ever held (no tombstones). The random test
 * compares it with a {@link HashSet}.
 */
class LongHashSetTest {
    private static final long MIN_BYTES = 16 + 8 * 8;

    /** The table's bound: load at most 3/4 after an add, and at least 1/16 (or the minimum table). */
    private static void assertMemoryBounded(LongHashSet s, String at) {
        long slots = (s.dramBytes() - 16) / 8;
        assertTrue(slots >= 8 && Long.bitCount(slots) == 1, at + ": " + slots + " slots");
        assertTrue(s.size() * 4L <= slots * 3, at + ": " + s.size() + " in " + slots + " slots is over 3/4");
        assertTrue(slots <= Math.max(8, 16L * s.size()), at + ": " + slots + " slots for " + s.size());
    }

    @Test
    void addReportsWhetherTheKeyIsNewAndRemoveWhetherItWasThere() {
        LongHashSet s = new LongHashSet();
        assertTrue(s.isEmpty());
        assertTrue(s.add(42));
        assertFalse(s.add(42));
        assertTrue(s.add(0));
        assertTrue(s.add(Long.MAX_VALUE));
        assertEquals(3, s.size());
        assertFalse(s.remove(7));
        assertTrue(s.remove(42));
        assertFalse(s.remove(42));
        assertEquals(2, s.size());
        assertArrayEquals(new long[] {0, Long.MAX_VALUE}, s.toSortedArray());
    }

    @Test
    void aNegativeKeyIsRefusedAndChangesNothing() {
        LongHashSet s = new LongHashSet();
        s.add(1);
        assertThrows(IllegalArgumentException.class, () -> s.add(-1));
        assertThrows(IllegalArgumentException.class, () -> s.add(Long.MIN_VALUE));
        assertEquals(1, s.size());
        assertFalse(s.remove(-1), "-1 is the empty-slot marker, never an element");
        assertArrayEquals(new long[] {1}, s.toSortedArray());
    }

    @Test
    void removeAnyOnAnEmptySetIsMinusOne() {
        LongHashSet s = new LongHashSet();
        assertEquals(-1, s.removeAny());
        s.add(5);
        assertEquals(5, s.removeAny());
        assertEquals(-1, s.removeAny());
        assertTrue(s.isEmpty());
    }

    @Test
    void removeAnyDrainsEveryElementExactlyOnce() {
        LongHashSet s = new LongHashSet();
        Set<Long> added = new HashSet<>();
        for (long k = 0; k < 100_000; k++) {
            long key = k << 12; // first pages of order-12 blocks, as the buddy stores them
            s.add(key);
            added.add(key);
        }
        Set<Long> drained = new HashSet<>();
        while (!s.isEmpty()) {
            long k = s.removeAny();
            assertTrue(added.contains(k), "removeAny returned " + k + ", never added");
            assertTrue(drained.add(k), "removeAny returned " + k + " twice");
            if (drained.size() % 10_000 == 0) {
                assertMemoryBounded(s, drained.size() + " drained");
            }
        }
        assertEquals(added, drained);
        assertEquals(-1, s.removeAny());
        assertEquals(MIN_BYTES, s.dramBytes(), "an emptied set shrinks back to the minimum table");
    }

    @Test
    void growsToHoldManyKeysAndShrinksAsTheyGo() {
        LongHashSet s = new LongHashSet();
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            assertTrue(s.add(i * 0x1_0000_0000L + 7));
        }
        assertEquals(n, s.size());
        assertMemoryBounded(s, "full");
        assertTrue(s.dramBytes() <= 16 + 22L * n, "about 11-21 bytes per element: " + s.dramBytes());
        for (int i = 0; i < n; i++) {
            assertFalse(s.add(i * 0x1_0000_0000L + 7), "still there after growth: " + i);
        }
        for (int i = 0; i < n; i += 2) {
            assertTrue(s.remove(i * 0x1_0000_0000L + 7));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i % 2 == 1, s.remove(i * 0x1_0000_0000L + 7), "key " + i);
        }
        assertTrue(s.isEmpty());
        assertEquals(MIN_BYTES, s.dramBytes());
    }

    @Test
    void churnLeavesNoTombstones() {
        // A million distinct keys pass through a set that never holds more than ten.
        LongHashSet s = new LongHashSet();
        for (long k = 0; k < 1_000_000; k++) {
            s.add(k);
            if (k >= 10) {
                assertTrue(s.remove(k - 10));
            }
        }
        assertEquals(10, s.size());
        assertTrue(s.dramBytes() <= 16 + 8 * 16, "memory follows the size: " + s.dramBytes());
        assertArrayEquals(new long[] {999_990, 999_991, 999_992, 999_993, 999_994, 999_995, 999_996, 999_997, 999_998,
                999_999}, s.toSortedArray());
    }

    /** {@code count} keys whose home slot in a table of {@code slots} slots is {@code home}. */
    private static List<Long> keysAtHome(int home, int slots, int count, long from) {
        List<Long> out = new ArrayList<>();
        for (long k = from; out.size() < count; k++) {
            if (Mix.slot(k, slots - 1) == home) {
                out.add(k);
            }
        }
        return out;
    }

    @Test
    void removalFromAProbeRunThatWrapsPastTheEndKeepsEveryOtherKeyFindable() {
        // Six keys in the minimum table of 8 slots (6/8 is the most it holds before growing): two
        // at home in the last slot, two in slot 0, two in slot 6, so probe runs cross the end.
        List<Long> keys = new ArrayList<>();
        keys.addAll(keysAtHome(7, 8, 2, 0));
        keys.addAll(keysAtHome(0, 8, 2, 0));
        keys.addAll(keysAtHome(6, 8, 2, 0));
        int[] order = {0, 1, 2, 3, 4, 5};
        int permutations = 0;
        do {
            for (int insertRotation = 0; insertRotation < 6; insertRotation += 2) {
                LongHashSet s = new LongHashSet();
                for (int i = 0; i < 6; i++) {
                    assertTrue(s.add(keys.get((i + insertRotation) % 6)));
                }
                assertEquals(MIN_BYTES, s.dramBytes(), "still the 8-slot table");
                Set<Long> left = new TreeSet<>(keys);
                for (int idx : order) {
                    long k = keys.get(idx);
                    assertTrue(s.remove(k), "key " + k);
                    left.remove(k);
                    for (long other : left) {
                        assertFalse(s.add(other), "after removing " + k + ", " + other + " is still found");
                    }
                    assertArrayEquals(left.stream().mapToLong(Long::longValue).toArray(), s.toSortedArray());
                }
            }
            permutations++;
        } while (nextPermutation(order));
        assertEquals(720, permutations);
    }

    private static boolean nextPermutation(int[] a) {
        int i = a.length - 2;
        while (i >= 0 && a[i] >= a[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = a.length - 1;
        while (a[j] <= a[i]) {
            j--;
        }
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
        for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
            t = a[l];
            a[l] = a[r];
            a[r] = t;
        }
        return true;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomOperationsBehaveAsAHashSet(long seed) {
        Random rnd = new Random(seed);
        LongHashSet s = new LongHashSet();
        Set<Long> model = new HashSet<>();
        List<Long> members = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            String at = "seed " + seed + " step " + step;
            // Phases that grow the set to thousands and drain it again, so it grows and shrinks.
            boolean growing = (step / 20_000) % 2 == 0;
            int op = rnd.nextInt(100);
            if (op < (growing ? 60 : 30)) {
                long key = switch (rnd.nextInt(3)) {
                    case 0 -> rnd.nextInt(4096); // dense: duplicates and neighbours
                    case 1 -> (long) rnd.nextInt(1 << 20) << (rnd.nextInt(20) + 10); // aligned block starts
                    default -> rnd.nextLong() >>> 1;
                };
                boolean added = model.add(key);
                assertEquals(added, s.add(key), at + ": add " + key);
                if (added) {
                    members.add(key);
                }
            } else if (op < 90) {
                long key;
                if (!members.isEmpty() && rnd.nextBoolean()) {
                    // Keys once added, some since removed (then this removes an absent key).
                    int i = rnd.nextInt(members.size());
                    key = members.get(i);
                    members.set(i, members.getLast());
                    members.removeLast();
                } else {
                    key = rnd.nextInt(4096);
                }
                assertEquals(model.remove(key), s.remove(key), at + ": remove " + key);
            } else {
                long key = s.removeAny();
                if (model.isEmpty()) {
                    assertEquals(-1, key, at);
                } else {
                    assertTrue(model.remove(key), at + ": removeAny gave " + key + ", not a member");
                }
            }
            assertEquals(model.size(), s.size(), at + ": size");
            assertEquals(model.isEmpty(), s.isEmpty(), at);
            if (step % 1000 == 0) {
                assertMemoryBounded(s, at);
            }
            if (step % 10_000 == 9_999) {
                long[] want = model.stream().mapToLong(Long::longValue).sorted().toArray();
                assertArrayEquals(want, s.toSortedArray(), at);
            }
        }
    }
}
