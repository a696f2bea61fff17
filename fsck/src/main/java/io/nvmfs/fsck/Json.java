package io.nvmfs.fsck;

import java.util.List;

/**
 * The one JSON writer of the commands ({@code fsck --json}, {@code nvmfs info --json}): a JSON
 * object written field by field, compact (no spaces), fields in the order they are put, so a
 * document's bytes depend only on what was put. Values are strings (escaped by {@link #quote}),
 * numbers, booleans, null, or already-written JSON ({@link #putRaw}: a nested object, an array).
 */
public final class Json {
    private final StringBuilder b = new StringBuilder("{");

    public static Json object() {
        return new Json();
    }

    private Json() {}

    private StringBuilder name(String name) {
        if (b.length() > 1) {
            b.append(',');
        }
        return b.append(quote(name)).append(':');
    }

    /** A string field; null writes JSON null. */
    public Json put(String name, String value) {
        name(name).append(value == null ? "null" : quote(value));
        return this;
    }

    public Json put(String name, long value) {
        name(name).append(value);
        return this;
    }

    public Json put(String name, boolean value) {
        name(name).append(value);
        return this;
    }

    /** A field whose value is already JSON: an object's {@link #toString}, an {@link #array}. */
    public Json putRaw(String name, String json) {
        name(name).append(json);
        return this;
    }

    /** An array of already-written JSON values (objects, or numbers as {@code String.valueOf}). */
    public static String array(List<String> json) {
        return "[" + String.join(",", json) + "]";
    }

    /** The object written so far, closed. */
    @Override
    public String toString() {
        return b + "}";
    }

    /** A JSON string literal: quote, backslash and control characters escaped. */
    public static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
