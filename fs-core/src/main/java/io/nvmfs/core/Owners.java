package io.nvmfs.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The three nvmpg owners of a filesystem, with UUIDs derived from the filesystem's (name-based, v3). */
final class Owners {
    private Owners() {}

    static UUID meta(UUID fs) {
        return derive(fs, "meta");
    }

    static UUID data(UUID fs) {
        return derive(fs, "data");
    }

    static UUID journal(UUID fs) {
        return derive(fs, "journal");
    }

    private static UUID derive(UUID fs, String role) {
        return UUID.nameUUIDFromBytes((fs + "/" + role).getBytes(StandardCharsets.UTF_8));
    }
}
