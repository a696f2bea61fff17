package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NameIndexTest {
    @Test
    void behavesLikeAMapThroughGrowthDeletionAndPoolCompaction() {
        NameIndex idx = new NameIndex();
        Map<String, Long> model = new HashMap<>();
        Random rnd = new Random(8);
        List<String> keys = new ArrayList<>();
        for (int step = 0; step < 300_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5 || keys.isEmpty()) {
                String k = "name-" + rnd.nextInt(50_000) + "x".repeat(rnd.nextInt(40));
                long v = rnd.nextLong() >>> 1;
                Long prev = model.put(k, v);
                assertEquals(prev == null ? -1 : prev, idx.put(k.getBytes(StandardCharsets.UTF_8), v));
                if (prev == null) {
                    keys.add(k);
                }
            } else if (op < 8) {
                String k = keys.remove(rnd.nextInt(keys.size()));
                assertEquals((long) model.remove(k), idx.remove(k.getBytes(StandardCharsets.UTF_8)));
            } else {
                String k = rnd.nextBoolean() && !keys.isEmpty() ? keys.get(rnd.nextInt(keys.size())) : "absent-" + step;
                assertEquals(model.getOrDefault(k, -1L), idx.get(k.getBytes(StandardCharsets.UTF_8)));
            }
            assertEquals(model.size(), idx.size());
        }
        for (Map.Entry<String, Long> e : model.entrySet()) {
            assertEquals((long) e.getValue(), idx.get(e.getKey().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
