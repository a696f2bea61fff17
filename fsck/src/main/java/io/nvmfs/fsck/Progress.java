package io.nvmfs.fsck;

import java.io.PrintStream;

/**
 * Progress of long passes on a terminal: pass name, percent and rate, redrawn at most five
 * times a second on one line of stderr. Off unless stderr is a terminal, so it never enters
 * captured output.
 */
final class Progress {
    private final PrintStream err;
    private final boolean on;
    private String pass;
    private long total;
    private long started;
    private long lastDraw;
    private boolean drawn;

    Progress(PrintStream err, boolean on) {
        this.err = err;
        this.on = on;
    }

    static Progress forTerminal(PrintStream err) {
        java.io.Console c = System.console();
        return new Progress(err, c != null && c.isTerminal());
    }

    void start(String passName, long totalItems) {
        pass = passName;
        total = Math.max(1, totalItems);
        started = System.nanoTime();
        lastDraw = 0;
    }

    /** Cheap enough to call per item: it reads the clock every 4096 items only. */
    void tick(long done) {
        if (!on || (done & 4095) != 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        double secs = Math.max(1e-9, (now - started) / 1e9);
        err.printf("\r%-28s %3d%%  %,12.0f/s ", pass, Math.min(100, done * 100 / total), done / secs);
        err.flush();
        drawn = true;
    }

    void end() {
        if (drawn) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
            drawn = false;
        }
    }
}
