package io.nvmfs.bench;

import io.nvmfs.nvmpg.Block;
import io.nvmfs.nvmpg.FormatOptions;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.Owner;
import io.nvmfs.nvmpg.Persistence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Fills a namespace with {@code records} live records the way a filesystem would leave it:
 * mostly small blocks (orders 0..9, skewed small) over three owners, with a third of all
 * allocations freed again at random so the free space is fragmented. Deterministic (seeded).
 */
final class MillionRecords {
    private MillionRecords() {}

    /** Populates without per-record persists (one force at the end), then returns the populated allocator. */
    static NvmPages populate(Media mapped, int records) throws NvmpgException {
        Media fast = new Media(mapped.segment(), Persistence.NONE, mapped.mode());
        NvmPages pg = NvmPages.format(fast, FormatOptions.of("million"));
        Owner[] owners = {
            pg.openOwner(UUID.nameUUIDFromBytes("data".getBytes()), "fs-data"),
            pg.openOwner(UUID.nameUUIDFromBytes("meta".getBytes()), "fs-meta"),
            pg.openOwner(UUID.nameUUIDFromBytes("journal".getBytes()), "fs-journal"),
        };
        Random rnd = new Random(1);
        List<Block> live = new ArrayList<>(records);
        List<Integer> ownerOf = new ArrayList<>(records);
        while (live.size() < records) {
            int o = rnd.nextInt(10) < 8 ? 0 : 1 + rnd.nextInt(2);
            int order = rnd.nextInt(10) < 7 ? rnd.nextInt(3) : rnd.nextInt(10);
            live.add(new Block(pg.alloc(owners[o], order), order));
            ownerOf.add(o);
            if (rnd.nextInt(3) == 0) {
                int victim = rnd.nextInt(live.size());
                Block b = live.get(victim);
                pg.free(owners[ownerOf.get(victim)], b.page(), b.order());
                int last = live.size() - 1;
                live.set(victim, live.get(last));
                ownerOf.set(victim, ownerOf.get(last));
                live.remove(last);
                ownerOf.remove(last);
            }
        }
        mapped.segment().force();
        return pg;
    }
}
