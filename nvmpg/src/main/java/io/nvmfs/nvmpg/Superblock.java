package io.nvmfs.nvmpg;

import java.util.UUID;

/**
 * The decoded nvmpg superblock. Written once at format and never changed afterwards, so it
 * needs no update protocol: the CRC only has to catch torn writes and media corruption.
 */
public record Superblock(
        int version,
        int incompatFeatures,
        int roCompatFeatures,
        int compatFeatures,
        int maxOrder,
        long totalPages,
        UUID uuid,
        long ownerTablePage,
        int ownerSlots,
        long backupPage,
        long formatTimeMillis,
        String label) {
}
