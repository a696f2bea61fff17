package io.nvmfs.nvmpg;

/** How a namespace is mapped, which decides what {@link Persistence#persist} costs. */
public enum MappingMode {
    /** {@code MAP_SYNC} on a DAX mapping: persist is a cache-line write-back plus fence. */
    MAP_SYNC("MAP_SYNC (cache-line write-back)"),
    /** Ordinary shared mapping: persist is a ranged {@code msync}. */
    MSYNC("msync"),
    /** Not backed by a file (tests, crash images): persistence is whatever the caller supplies. */
    MEMORY("memory");

    private final String description;

    MappingMode(String description) {
        this.description = description;
    }

    /** Text for {@code nvmfs info}. */
    public String description() {
        return description;
    }
}
