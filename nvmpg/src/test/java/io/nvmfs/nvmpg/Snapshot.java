package io.nvmfs.nvmpg;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Everything an owner can observe of a namespace: the answer a crash must leave all-or-nothing. */
record Snapshot(UUID namespace, Map<UUID, String> owners, Map<UUID, List<Block>> records, Map<UUID, Long> roots) {
    static Snapshot of(NvmPages pg) {
        Map<UUID, String> owners = new TreeMap<>();
        Map<UUID, List<Block>> records = new TreeMap<>();
        Map<UUID, Long> roots = new TreeMap<>();
        for (Owner o : pg.owners()) {
            if (o.equals(pg.allocatorOwner())) {
                continue;
            }
            owners.put(o.uuid(), o.label());
            records.put(o.uuid(), pg.records(o));
            roots.put(o.uuid(), pg.root(o));
        }
        return new Snapshot(pg.superblock().uuid(), owners, records, roots);
    }
}
