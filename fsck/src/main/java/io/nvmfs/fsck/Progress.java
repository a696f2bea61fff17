package io.nvmfs.fsck;

import java.io.PrintStream;

/**
 * Progress of the long passes (4 to 8: inodes, directories, connectivity, link counts, space;
 * each is linear in inodes, directories or blocks), in up to two forms at once:
 *
 * <ul>
 * <li>the <b>bar</b>: pass name, percent and rate, redrawn at most five times a second on one
 *     line, on stderr and only when stderr is a terminal ({@link #forTerminal}), so carriage
 *     returns never enter a redirected or captured stream;</li>
 * <li>the <b>lines</b> of {@code -C FD}, e2fsck's machine format {@code PASS CURRENT MAX DEVICE},
 *     one when a pass starts ({@code CURRENT} 0), one at its end ({@code CURRENT} = {@code MAX}),
 *     and one every 4096 items between, never more than five a second.</li>
 * </ul>
 *
 * Both are cheap enough to call per item: the clock is read every 4096 items only.
 */
final class Progress {
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream bar;
    private final PrintStream lines;
    private final String device;
    private int passNumber;
    private String pass;
    private long total;
    private long started;
    private long lastDraw;
    private long lastLine;
    private boolean drawn;

    /**
     * @param bar    where the bar is drawn, or null for none
     * @param lines  where {@code -C} lines go, or null for none
     * @param device the namespace as the lines name it
     */
    Progress(PrintStream bar, PrintStream lines, String device) {
        this.bar = bar;
        this.lines = lines;
        this.device = device;
    }

    /** The bar on {@code err} when descriptor 2 is a terminal, and {@code -C} lines to {@code lines} (or none). */
    static Progress forTerminal(PrintStream err, PrintStream lines, String device) {
        return new Progress(Fd.isTerminal(2) ? err : null, lines, device);
    }

    /** No progress at all. */
    static Progress off() {
        return new Progress(null, null, null);
    }

    void start(int passNumber, String passName, long totalItems) {
        this.passNumber = passNumber;
        pass = passName;
        total = Math.max(1, totalItems);
        started = System.nanoTime();
        lastDraw = 0;
        lastLine = started;
        line(0);
    }

    void tick(long done) {
        if ((bar == null && lines == null) || done == 0 || (done & 4095) != 0) { // 0: the start, already said
            return;
        }
        long now = System.nanoTime();
        if (lines != null && now - lastLine >= REDRAW_NANOS) {
            lastLine = now;
            line(Math.min(done, total));
        }
        if (bar == null || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double secs = Math.max(1e-9, (now - started) / 1e9);
        bar.printf("\r%-28s %3d%%  %,12.0f/s ", pass, Math.min(100, done * 100 / total), done / secs);
        bar.flush();
        drawn = true;
    }

    void end() {
        line(total);
        erase();
    }

    /**
     * Takes the bar off the terminal (the next tick draws it again): before a problem line is
     * printed on the same terminal, and when a pass ends without finishing (a stop, a cancel).
     */
    void erase() {
        if (drawn) {
            bar.print("\r" + " ".repeat(60) + "\r");
            bar.flush();
            drawn = false;
        }
    }

    private void line(long current) {
        if (lines != null) {
            lines.print(passNumber + " " + current + " " + total + " " + device + "\n");
            lines.flush();
        }
    }
}
