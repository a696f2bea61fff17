package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The progress bar (pass name, percent and rate; redrawn rarely; erased at the end; nothing when
 * off) and -C's e2fsck lines (PASS CURRENT MAX DEVICE at the start and end of a pass).
 */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true);

    @Test
    void drawsPassPercentAndRateThenErasesTheLine() {
        Progress p = new Progress(err, null, "img");
        p.start(4, "Pass 4: inodes and extent maps", 16_384);
        p.tick(4096);
        String line = bytes.toString();
        assertTrue(Pattern.matches("\\rPass 4: inodes and extent maps +25%  +[0-9,]+/s ", line), line);
        p.tick(4097); // not a multiple of 4096: no clock read, no draw
        p.tick(8192); // within 200 ms of the last draw: no redraw
        assertEquals(line, bytes.toString());
        p.end();
        assertTrue(bytes.toString().endsWith("\r" + " ".repeat(60) + "\r"), "the line is erased");
    }

    @Test
    void nothingIsDrawnForTheFirstItem() {
        Progress p = new Progress(err, null, "img");
        p.start(8, "Pass 8: space", 19);
        p.tick(0); // a loop's first index: "0%  0/s" would only flash
        assertEquals("", bytes.toString());
    }

    @Test
    void percentNeverPassesAHundred() {
        Progress p = new Progress(err, null, "img");
        p.start(5, "Pass 5: directories", 10);
        p.tick(4096);
        assertTrue(bytes.toString().contains("100%"), bytes.toString());
    }

    @Test
    void silentWhenOff() {
        Progress p = Progress.off();
        p.start(4, "Pass 4: inodes and extent maps", 16_384);
        p.tick(4096);
        p.end();
        Progress noBar = new Progress(null, null, "img");
        noBar.start(4, "Pass 4: inodes and extent maps", 16_384);
        noBar.tick(4096);
        noBar.end();
        assertEquals("", bytes.toString());
    }

    @Test
    void linesAreE2fsckMachineFormatAtTheStartAndEndOfEachPass() {
        Progress p = new Progress(null, err, "/srv/data.img");
        p.start(4, "Pass 4: inodes and extent maps", 10_000);
        p.tick(4096); // within 200 ms of the start: no line between
        p.end();
        p.start(8, "Pass 8: space", 7);
        p.end();
        assertEquals(List.of("4 0 10000 /srv/data.img", "4 10000 10000 /srv/data.img", "8 0 7 /srv/data.img",
                "8 7 7 /srv/data.img"), bytes.toString().lines().toList());
    }

    @Test
    void aLineBetweenAtMostFiveTimesASecond() throws Exception {
        Progress p = new Progress(null, err, "img");
        p.start(6, "Pass 6: connectivity", 1 << 20);
        Thread.sleep(250);
        p.tick(4096);
        p.tick(8192); // within 200 ms of the line just written
        assertEquals(List.of("6 0 1048576 img", "6 4096 1048576 img"), bytes.toString().lines().toList());
    }

    @Test
    void eraseTakesTheBarOffOnlyWhenDrawn() {
        Progress p = new Progress(err, null, "img");
        p.erase();
        assertEquals("", bytes.toString(), "nothing drawn, nothing erased");
        p.start(4, "Pass 4: inodes", 8192);
        p.tick(4096);
        p.erase();
        assertTrue(bytes.toString().endsWith("\r" + " ".repeat(60) + "\r"), bytes.toString());
    }
}
