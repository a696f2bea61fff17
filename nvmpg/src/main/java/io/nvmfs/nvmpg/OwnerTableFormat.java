package io.nvmfs.nvmpg;

import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * On-media owner table, version 1: page 2, {@link #SLOTS} slots of {@link #SLOT_SIZE} bytes.
 *
 * <pre>
 * off  size  field
 *   0     8  state   0 = free slot; live = 'OWNR' (low 32 bits) | CRC32C of bytes 8..63 (high 32 bits)
 *   8    16  uuid    owner UUID (most significant half first)
 *  24    32  label   UTF-8, NUL-padded, at most 31 bytes
 *  56     8  reserved 0
 *  64     8  head    link word ({@link LinkWord}, holder = headHolder(slot)) to the first record page; 0 = none
 *  72     8  root    eight bytes the owner uses for its own root pointer; nvmpg never interprets them
 *  80    48  reserved 0
 * </pre>
 *
 * The state word is the commit of an owner's creation: it is stored (one aligned 8-byte
 * store) only after the rest of the slot is persisted, and its CRC covers the immutable part.
 * {@code head} and {@code root} change later, each by a single 8-byte store.
 */
public final class OwnerTableFormat {
    public static final int SLOTS = 32;
    public static final int SLOT_SIZE = 128;
    public static final int STATE_MAGIC = 0x524e574f; // "OWNR"
    public static final int LABEL_BYTES = 32;

    public static final int OFF_STATE = 0;
    public static final int OFF_UUID = 8;
    public static final int OFF_LABEL = 24;
    public static final int OFF_HEAD = 64;
    public static final int OFF_ROOT = 72;
    public static final int IMMUTABLE_END = 64;

    /** Slot 0 belongs to nvmpg itself: its records are the record pages of every chain. */
    public static final int ALLOCATOR_SLOT = 0;
    public static final UUID ALLOCATOR_UUID = new UUID(0x6e766d7067000000L, 0x0000000000000001L);
    public static final String ALLOCATOR_LABEL = "nvmpg";

    private OwnerTableFormat() {}

    public static long slotOffset(int slot) {
        return Pages.toBytes(Layout.OWNER_TABLE_PAGE) + (long) slot * SLOT_SIZE;
    }

    /** Writes everything but the state word. The caller persists, then calls {@link #commit}. */
    public static void writeBody(Media media, int slot, UUID uuid, String label) {
        long off = slotOffset(slot);
        MemorySegment s = media.segment();
        media.zero(off + 8, SLOT_SIZE - 8);
        s.set(Media.LONG, off + OFF_UUID, uuid.getMostSignificantBits());
        s.set(Media.LONG, off + OFF_UUID + 8, uuid.getLeastSignificantBits());
        Labels.write(s, off + OFF_LABEL, LABEL_BYTES, label);
    }

    /** The commit store of owner creation. Does not persist. */
    public static void commit(Media media, int slot) {
        media.putLong(slotOffset(slot) + OFF_STATE, liveState(media, slot));
    }

    public static long liveState(Media media, int slot) {
        long off = slotOffset(slot);
        int crc = Crc32c.of(media.segment(), off + 8, IMMUTABLE_END - 8);
        return (STATE_MAGIC & 0xffffffffL) | ((long) crc << 32);
    }

    public static long state(Media media, int slot) {
        return media.getLong(slotOffset(slot) + OFF_STATE);
    }

    public static UUID uuid(Media media, int slot) {
        long off = slotOffset(slot);
        return new UUID(media.getLong(off + OFF_UUID), media.getLong(off + OFF_UUID + 8));
    }

    public static String label(Media media, int slot) {
        return Labels.read(media.segment(), slotOffset(slot) + OFF_LABEL, LABEL_BYTES);
    }

    public static long headOffset(int slot) {
        return slotOffset(slot) + OFF_HEAD;
    }

    public static long rootOffset(int slot) {
        return slotOffset(slot) + OFF_ROOT;
    }
}
