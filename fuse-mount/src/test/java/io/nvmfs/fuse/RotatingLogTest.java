package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by size, appending, the line format and the log's place. */
class RotatingLogTest {
    @TempDir
    Path dir;

    @Test
    void rotatesBySizeKeepingThreeAndAppends() throws Exception {
        Path file = dir.resolve("logs/x.log");
        RotatingLog log = new RotatingLog(file, 1000, 3);
        for (int i = 0; i < 200; i++) {
            log.publish(new LogRecord(Level.INFO, "event " + i + " " + "x".repeat(40)));
        }
        log.close();
        for (Path p : List.of(file, log.generation(1), log.generation(2), log.generation(3))) {
            assertTrue(Files.size(p) <= 1000, p + " is within the limit");
            for (String l : Files.readAllLines(p)) {
                assertTrue(MountLogIT.LINE.matcher(l).matches(), l);
            }
        }
        assertFalse(Files.exists(log.generation(4)));
        assertTrue(Files.readAllLines(file).getLast().contains("event 199 "));
        assertTrue(Files.readAllLines(log.generation(1)).getLast().contains("event " + (199 - Files.readAllLines(file).size()) + " "),
                "generation 1 ends where the current file starts");
        long before = Files.size(file);
        RotatingLog again = new RotatingLog(file, 1000, 3);
        again.publish(new LogRecord(Level.SEVERE, "a"));
        again.close();
        assertTrue(Files.size(file) > before || Files.exists(log.generation(1)), "appended");
        assertTrue(Files.readAllLines(file).getLast().endsWith(" ERROR a"));
    }

    @Test
    void oneLineEvenForAThrowable() {
        LogRecord r = new LogRecord(Level.WARNING, "two\nlines");
        r.setThrown(new IllegalStateException("bad\nthing"));
        String line = new LogLine().format(r);
        assertEquals(1, line.lines().count(), line);
        assertTrue(MountLogIT.LINE.matcher(line.strip()).matches(), line);
        assertTrue(line.contains(" WARN two | lines: java.lang.IllegalStateException: bad | thing at "), line);
    }

    @Test
    void placeAndName() {
        Path img = Path.of("/srv/a/fs.img");
        assertEquals(Path.of("/var/log/nvmfs/" + MountLog.name(img) + ".log"), MountLog.path(img, Map.of("HOME", "/h"), "/p", true));
        assertEquals(Path.of("/h/.local/state/nvmfs/" + MountLog.name(img) + ".log"), MountLog.path(img, Map.of("HOME", "/h"), "/p", false));
        assertEquals(Path.of("/s/nvmfs/" + MountLog.name(img) + ".log"),
                MountLog.path(img, Map.of("HOME", "/h", "XDG_STATE_HOME", "/s"), "/p", true));
        assertEquals(Path.of("/h/.local/state/nvmfs/" + MountLog.name(img) + ".log"),
                MountLog.path(img, Map.of("HOME", "/h", "XDG_STATE_HOME", "rel"), "/p", false), "a relative XDG_STATE_HOME is ignored");
        assertTrue(MountLog.name(img).matches("fs\\.img-[0-9a-f]{8}"));
        assertFalse(MountLog.name(img).equals(MountLog.name(Path.of("/srv/b/fs.img"))));
    }
}
