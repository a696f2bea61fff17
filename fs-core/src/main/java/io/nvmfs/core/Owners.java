package io.nvmfs.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The three nvmpg owners of a filesystem, with UUIDs derived from the filesystem's (name-based, v3). */
public final class Owners {
    private Owners() {}

    public static UUID meta(UUID fs) {
        return derive(fs, "meta");
    }

    public static UUID data(UUID fs) {
        return derive(fs, "data");
    }

    public static UUID journal(UUID fs) {
        return derive(fs, "journal");
    }

    private static UUID derive(UUID fs, String role) {
        return UUID.nameUUIDFromBytes((fs + "/" + role).getBytes(StandardCharsets.UTF_8));
    }
}
