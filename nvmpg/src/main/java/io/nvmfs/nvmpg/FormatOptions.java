package io.nvmfs.nvmpg;

import java.util.Objects;
import java.util.UUID;

/** What {@link NvmPages#format} writes into the superblock besides the geometry. */
public record FormatOptions(UUID uuid, String label, long formatTimeMillis) {
    public FormatOptions {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(label, "label");
        Labels.encode(label, SuperblockFormat.LABEL_BYTES);
    }

    /** A random UUID, the given label, now. */
    public static FormatOptions of(String label) {
        return new FormatOptions(UUID.randomUUID(), label, System.currentTimeMillis());
    }
}
