package io.nvmfs.fuse;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The one format of the mount log: one line per event, {@code 2026-12-01T12:30:00.123+00:00 INFO
 * message}. ISO-8601 local time with milliseconds and offset (sortable, unambiguous across
 * time-zone changes), a level of ERROR, WARN, INFO or DEBUG, the message with its line breaks
 * folded, and a throwable as its class, message and first frame on the same line: a grep for a
 * time or a level always finds the whole event.
 */
final class LogLine extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx")
            .withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(96);
        b.append(TIME.format(r.getInstant())).append(' ').append(level(r.getLevel())).append(' ');
        b.append(oneLine(formatMessage(r)));
        Throwable t = r.getThrown();
        if (t != null) {
            b.append(": ").append(oneLine(String.valueOf(t)));
            StackTraceElement[] frames = t.getStackTrace();
            if (frames.length > 0) {
                b.append(" at ").append(frames[0]);
            }
        }
        return b.append('\n').toString();
    }

    /** SEVERE, WARNING, INFO and FINE..FINEST under the names people grep for. */
    static String level(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARN";
        }
        return v >= Level.INFO.intValue() ? "INFO" : "DEBUG";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }
}
