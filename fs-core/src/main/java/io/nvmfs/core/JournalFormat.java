package io.nvmfs.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * On-media metadata journal, version 1: one nvmpg block of the journal owner.
 *
 * <pre>
 * journal block
 * +-----------------------------+------------------------------------------------------------+
 * | page 0: header slots A | B  | log area: circular, records never straddle its end         |
 * +-----------------------------+------------------------------------------------------------+
 *
 * header slot (A at byte 0, B at byte 2048)
 * off size field
 *   0    8 magic        "NVFS-JH1"
 *   8    8 header_seq   incremented at every header write; the valid slot with the larger one wins
 *  16    8 tail_offset  log-area offset of the oldest record still needed
 *  24    8 tail_seq     sequence number the record at tail_offset must carry
 *  32    8 log_bytes    size of the log area
 *  40    4 crc32c       CRC32C of bytes 0..39
 *
 * record (8-byte aligned, at log-area offset p)
 * off size field
 *   0    4 magic        "TXN1" for a transaction, "WRAP" for "continue at offset 0"
 *   4    4 writes       number of writes
 *   8    8 seq          consecutive; replay stops at the first record whose seq is not the next
 *  16    4 length       bytes of the whole record, a multiple of 8, at least 24
 *  20    4 crc32c       CRC32C of the whole record with this field read as 0
 *  24  ... writes       [home offset u64][length u32][0 u32][data, zero-padded to 8]
 * </pre>
 *
 * A new or reset journal (mkfs, fsck) starts at tail 0 with tail_seq one past the largest seq of
 * any intact record still in the log area, so no record of an earlier filesystem on the same
 * blocks is ever the "next" one (Journal.firstUnusedSeq).
 *
 * A record is committed once it is wholly persisted: one persist covers it, and its CRC
 * and seq let replay tell a complete record from a torn or stale one. Fewer than 24 bytes left
 * before the end of the log area mean an implicit wrap.
 */
public final class JournalFormat {
    public static final long HEADER_MAGIC = 0x31484a2d5346564eL; // "NVFS-JH1"
    public static final int TXN_MAGIC = 0x314e5854;              // "TXN1"
    public static final int WRAP_MAGIC = 0x50415257;             // "WRAP"
    public static final int SLOT_A = 0;
    public static final int SLOT_B = 2048;
    public static final int HDR_MAGIC = 0;
    public static final int HDR_SEQ = 8;
    public static final int HDR_TAIL_OFFSET = 16;
    public static final int HDR_TAIL_SEQ = 24;
    public static final int HDR_LOG_BYTES = 32;
    public static final int HDR_CRC = 40;

    public static final int REC_MAGIC = 0;
    public static final int REC_WRITES = 4;
    public static final int REC_SEQ = 8;
    public static final int REC_LENGTH = 16;
    public static final int REC_CRC = 20;
    public static final int REC_HEADER = 24;
    public static final int WRITE_HEADER = 16;

    public static final ValueLayout.OfLong LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT_UNALIGNED = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    public static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private JournalFormat() {}

    public static int pad8(int n) {
        return (n + 7) & ~7;
    }
}
