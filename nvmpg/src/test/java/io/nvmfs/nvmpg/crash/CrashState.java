package io.nvmfs.nvmpg.crash;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * What a power failure at one instant may leave: the durable image, and the words stored but
 * not yet persisted, each of which may or may not have reached the media.
 *
 * <p>The durable image is referenced, not copied: use the state before the next persist.
 */
public final class CrashState {
    /** Up to this many pending words, "each alone" and "all but each" cover every word. */
    public static final int EACH_WORD_UP_TO = 64;
    private final MemorySegment durable;
    private final long[] pendingOffsets;
    private final long[] pendingValues;

    CrashState(MemorySegment durable, long[] pendingOffsets, long[] pendingValues) {
        this.durable = durable;
        this.pendingOffsets = pendingOffsets;
        this.pendingValues = pendingValues;
    }

    /** Words stored but not persisted. */
    public int pendingWords() {
        return pendingOffsets.length;
    }

    /** A new image in {@code arena}: the durable bytes with the pending words in {@code present} applied. */
    public MemorySegment image(Arena arena, BitSet present) {
        MemorySegment img = arena.allocate(durable.byteSize(), 4096);
        img.copyFrom(durable);
        for (int i = present.nextSetBit(0); i >= 0 && i < pendingOffsets.length; i = present.nextSetBit(i + 1)) {
            img.set(ValueLayout.JAVA_LONG_UNALIGNED, pendingOffsets[i], pendingValues[i]);
        }
        return img;
    }

    /** As {@link #image}, into {@code img} (the size of the durable image), so explorers reuse one buffer. */
    public void imageInto(MemorySegment img, BitSet present) {
        img.copyFrom(durable);
        for (int i = present.nextSetBit(0); i >= 0 && i < pendingOffsets.length; i = present.nextSetBit(i + 1)) {
            img.set(ValueLayout.JAVA_LONG_UNALIGNED, pendingOffsets[i], pendingValues[i]);
        }
    }

    /**
     * The subsets of pending words to try: all of them when there are at most {@code exhaustiveUpTo};
     * otherwise none, all, each word alone and all but each word (for every word when there are at
     * most {@link #EACH_WORD_UP_TO}, else for {@code randomSamples} words picked at random, so a
     * large data write does not explode the count), and {@code randomSamples} random subsets.
     */
    public List<BitSet> subsets(int exhaustiveUpTo, int randomSamples, Random random) {
        int n = pendingOffsets.length;
        List<BitSet> out = new ArrayList<>();
        if (n <= exhaustiveUpTo) {
            for (long mask = 0; mask < (1L << n); mask++) {
                out.add(BitSet.valueOf(new long[] {mask}));
            }
            return out;
        }
        BitSet all = new BitSet(n);
        all.set(0, n);
        out.add(new BitSet(n));
        out.add(all);
        int singles = n <= EACH_WORD_UP_TO ? n : randomSamples;
        for (int k = 0; k < singles; k++) {
            int i = n <= EACH_WORD_UP_TO ? k : random.nextInt(n);
            BitSet one = new BitSet(n);
            one.set(i);
            out.add(one);
            BitSet allBut = (BitSet) all.clone();
            allBut.clear(i);
            out.add(allBut);
        }
        for (int s = 0; s < randomSamples; s++) {
            BitSet r = new BitSet(n);
            for (int i = 0; i < n; i++) {
                if (random.nextBoolean()) {
                    r.set(i);
                }
            }
            out.add(r);
        }
        return out;
    }
}
