package io.nvmfs.nvmpg;

import java.util.UUID;

/** An owner of allocations: a slot of the owner table, named by its UUID and a label. */
public record Owner(int slot, UUID uuid, String label) {
    @Override
    public String toString() {
        return "'" + label + "'";
    }
}
