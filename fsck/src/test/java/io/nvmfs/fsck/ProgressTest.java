package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The terminal progress line: pass name, percent and rate; redrawn rarely; erased at the end; silent when off. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true);

    @Test
    void drawsPassPercentAndRateThenErasesTheLine() {
        Progress p = new Progress(err, true);
        p.start("Pass 4: inodes and extent maps", 16_384);
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
    void percentNeverPassesAHundred() {
        Progress p = new Progress(err, true);
        p.start("Pass 5: directories", 10);
        p.tick(4096);
        assertTrue(bytes.toString().contains("100%"), bytes.toString());
    }

    @Test
    void silentWhenNotATerminal() {
        Progress p = new Progress(err, false);
        p.start("Pass 4: inodes and extent maps", 16_384);
        p.tick(4096);
        p.end();
        assertEquals("", bytes.toString());
    }
}
