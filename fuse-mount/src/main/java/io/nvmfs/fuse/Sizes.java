package io.nvmfs.fuse;

/** Parses sizes such as 4G, 512M, 1T, 65536 (binary units), and writes them for people (4.0 GiB). */
final class Sizes {
    private Sizes() {}

    static long parse(String s) {
        String t = s.trim().toUpperCase();
        long mult = 1;
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0 || v > Long.MAX_VALUE / mult) {
                throw new NumberFormatException();
            }
            return v * mult;
        } catch (NumberFormatException e) {
            throw new UserError("size '" + s + "' is not a positive size like 4G, 512M or 1T");
        }
    }

    /**
     * {@code bytes} as an option takes a size ({@link #parse} reads it back): in the largest of
     * T, G, M and K that divides it exactly, else in bytes (64M, 1536K, 100).
     */
    static String option(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        for (int u = 0; u < units.length; u++) {
            long unit = 1L << (10 * (4 - u));
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[u];
            }
        }
        return Long.toString(bytes);
    }

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /**
     * {@code bytes} for people, as {@code df -h} and {@code dumpe2fs -h} show sizes: binary units,
     * one decimal (4.0 GiB, 256.0 KiB, 1.5 TiB), below 1 KiB the bytes themselves (512 B). The
     * unit is the largest in which the value is at least 1, so 1023 KiB stays 1023.0 KiB.
     */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int u = 0;
        while (u + 1 < UNITS.length && bytes >= 1L << (10 * (u + 2))) {
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", bytes / (double) (1L << (10 * (u + 1))), UNITS[u]);
    }
}
