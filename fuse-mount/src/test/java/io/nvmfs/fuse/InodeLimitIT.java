package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mkfs and info state the inode limit, and it is the one df -i shows: the table grows on demand
 * up to the format's limit, the same for a small and a large namespace.
 */
class InodeLimitIT {
    private static final String GROWTH = "table grows on demand up to 2,002,927";

    @TempDir
    Path dir;

    @Test
    void mkfsAndInfoStateTheLimitThatDfShowsOnFourAndSixtyFourGib() throws Exception {
        for (String size : new String[] {"4G", "64G"}) {
            Path sized = Files.createDirectories(dir.resolve(size));
            Mounted.Result mkfs = Mounted.nvmfs("mkfs", "--size", size, sized.resolve("made.img").toString());
            assertEquals(0, mkfs.exit(), mkfs.err());
            assertTrue(mkfs.out().startsWith("nvmfs: made a filesystem on " + sized.resolve("made.img") + "\n"), mkfs.out());
            assertTrue(mkfs.out().contains("\ninodes         " + GROWTH + " (15 in it now)\n"), mkfs.out());

            try (Mounted m = Mounted.fresh(sized, size); Watchdog w = m.watchdog(Duration.ofSeconds(30))) {
                w.run("touch", () -> m.shOk("touch a b"));
                String df = w.call("df -i", () -> m.shOk("df --output=itotal,iused . | tail -1")).out().trim();
                assertEquals("2002927 3", df.replaceAll("\\s+", " "), "statfs: the whole table, root and two files used");
                Mounted.Result info = Mounted.nvmfs("info", m.image.toString());
                assertEquals(0, info.exit(), info.err());
                assertTrue(info.out().contains("\ninodes         3 used, " + GROWTH + " (15 in it now)\n"), info.out());
                Mounted.Result json = Mounted.nvmfs("info", "--json", m.image.toString());
                assertTrue(json.out().contains("\"inodesUsed\":3,\"inodeCapacity\":15,\"inodeLimit\":2002927,"
                        + "\"inodeTableGrowsOnDemand\":true"), json.out());
            }
        }
    }
}
