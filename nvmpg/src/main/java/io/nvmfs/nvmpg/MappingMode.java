package io.nvmfs.nvmpg;

/** How a namespace is mapped, which decides what {@link Persistence#persist} costs. */
public enum MappingMode {
    /** {@code MAP_SYNC} on a DAX mapping: persist is a cache-line write-back plus fence. */
    MAP_SYNC("MAP_SYNC", "MAP_SYNC (cache-line write-back)"),
    /** Ordinary shared mapping: persist is a ranged {@code msync}. */
    MSYNC("msync", "msync"),
    /** Not backed by a file (tests, crash images): persistence is whatever the caller supplies. */
    MEMORY("memory", "memory");

    private final String spelling;
    private final String description;

    MappingMode(String spelling, String description) {
        this.spelling = spelling;
        this.description = description;
    }

    /**
     * The mode's one name, as {@code nvmfs info} writes it in text and JSON alike: the
     * description starts with it (mmap(2)'s flag for MAP_SYNC, the system call for msync).
     */
    public String spelling() {
        return spelling;
    }

    /** Text for {@code nvmfs info}. */
    public String description() {
        return description;
    }
}
