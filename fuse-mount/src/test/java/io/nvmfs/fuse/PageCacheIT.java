package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel page cache over a real mount, in both cache modes. nvmfs opens every file with
 * keep_cache (it is the only writer, so what the kernel cached stays true), so pages read once
 * survive the next open; and every change made through the mount — punch, zero range, truncate,
 * a write through another descriptor — is seen at once by a reader whose pages are cached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageCacheIT {
    private static final long SIZE = 8 << 20;
    private Mounted writeThrough;
    private Mounted writeback;

    @BeforeAll
    void mount(@TempDir Path dir) throws Exception {
        writeThrough = Mounted.fresh(Files.createDirectory(dir.resolve("default")), "256M");
        writeback = Mounted.fresh(Files.createDirectory(dir.resolve("writeback")), "256M", "writeback_cache");
    }

    @AfterAll
    void unmount() throws Exception {
        writeThrough.close();
        writeback.close();
    }

    Stream<Mounted> mounts() {
        return Stream.of(writeThrough, writeback);
    }

    @ParameterizedTest
    @MethodSource("mounts")
    void pagesReadOnceSurviveTheNextOpen(Mounted m) throws Exception {
        m.shOk("head -c " + SIZE + " /dev/urandom > kept && sync kept && cat kept > /dev/null");
        // fincore opens the file itself: without keep_cache that open would drop every page.
        assertEquals(String.valueOf(SIZE), m.shOk("fincore --bytes --noheadings --output RES kept").out().trim());
    }

    @ParameterizedTest
    @MethodSource("mounts")
    void changesThroughTheMountReachAReaderWithCachedPages(Mounted m) throws Exception {
        Path ref = Files.createTempFile("nvmfs-pagecache", ".ref");
        try {
            // Each step: cache the whole file (cat), change it through the mount and the same way in
            // a reference copy, then read it again from a new descriptor and compare.
            String steps = String.join(" && ",
                    "R='" + ref + "'",
                    "head -c " + SIZE + " /dev/urandom > \"$R\" && cp \"$R\" f",
                    "cat f > /dev/null && fallocate -p -o 4096 -l 1048576 f",
                    "dd if=/dev/zero of=\"$R\" bs=4096 seek=1 count=256 conv=notrunc status=none && cmp f \"$R\"",
                    "cat f > /dev/null && fallocate -z -o 2000000 -l 300000 f",
                    "dd if=/dev/zero of=\"$R\" bs=100000 seek=20 count=3 conv=notrunc status=none && cmp f \"$R\"",
                    "cat f > /dev/null && truncate -s 5000 f && truncate -s " + SIZE + " f",
                    "truncate -s 5000 \"$R\" && truncate -s " + SIZE + " \"$R\" && cmp f \"$R\"",
                    // a descriptor opened before the change, reading after it
                    "exec 3<f && cat f > /dev/null",
                    "printf 'written elsewhere' | dd of=f bs=1 seek=6000000 conv=notrunc status=none",
                    "printf 'written elsewhere' | dd of=\"$R\" bs=1 seek=6000000 conv=notrunc status=none",
                    "[ \"$(dd bs=17 count=1 skip=6000000 iflag=skip_bytes status=none <&3)\" = 'written elsewhere' ]",
                    "exec 3<&- && cmp f \"$R\"");
            m.shOk(steps);
        } finally {
            Files.deleteIfExists(ref);
        }
    }
}
