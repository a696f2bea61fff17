package io.nvmfs.fuse;

import io.nvmfs.core.FsOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The -o options nvmfs understands: its own (cache_size=, commit=, attr_timeout=, entry_timeout=) and the standard ones it
 * acts on or passes to FUSE (ro, rw, sync, async, noatime, relatime, strictatime, allow_other,
 * default_permissions, nonempty; dev, suid, exec and their no- forms, auto, noauto, _netdev,
 * nofail and user as mount(8) and fstab hand them over). Anything else is an error.
 */
record MountOptions(FsOptions fs, boolean allowOther, boolean nonempty, double attrTimeout, double entryTimeout,
                    boolean writeback, List<String> raw) {
    /** The largest READ/WRITE request the kernel is told to send (256 pages, its default ceiling). */
    static final int MAX_WRITE = 1 << 20;

    static MountOptions parse(List<String> opts) {
        FsOptions fs = FsOptions.defaults();
        boolean allowOther = false;
        boolean nonempty = false;
        double attrTimeout = 1.0;
        double entryTimeout = 1.0;
        boolean writeback = false;
        List<String> raw = new ArrayList<>();
        for (String o : opts == null ? List.<String>of() : opts) {
            if (o.isBlank()) {
                continue;
            }
            raw.add(o);
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            String value = o.contains("=") ? o.substring(o.indexOf('=') + 1) : null;
            switch (key) {
                case "ro" -> fs = fs.withReadOnly(true);
                case "rw" -> fs = fs.withReadOnly(false);
                case "sync" -> fs = fs.withSync(true);
                case "async" -> fs = fs.withSync(false);
                case "noatime" -> fs = fs.withAtime(FsOptions.Atime.NOATIME);
                case "relatime" -> fs = fs.withAtime(FsOptions.Atime.RELATIME);
                case "strictatime" -> fs = fs.withAtime(FsOptions.Atime.STRICTATIME);
                case "allow_other" -> allowOther = true;
                case "nonempty" -> nonempty = true;
                case "writeback_cache" -> writeback = true;
                case "no_writeback_cache" -> writeback = false;
                case "default_permissions", "dev", "nodev", "suid", "nosuid", "exec", "noexec", "auto", "noauto",
                     "_netdev", "nofail", "user", "users", "defaults" -> {
                    // default_permissions is always on; the others are mount(8)'s business
                }
                case "cache_size" -> fs = fs.withCacheBytes(Sizes.parse(need(key, value)));
                case "attr_timeout" -> attrTimeout = seconds(key, value);
                case "entry_timeout" -> entryTimeout = seconds(key, value);
                case "commit" -> {
                    try {
                        long s = Long.parseLong(need(key, value));
                        if (s < 0) {
                            throw new NumberFormatException();
                        }
                        fs = fs.withCommitMillis(s * 1000);
                    } catch (NumberFormatException e) {
                        throw new UserError("commit=" + value + ": give the seconds between data flushes (0 = only at fsync/close)");
                    }
                }
                default -> throw new UserError("unknown mount option '" + o + "'; see 'nvmfs mount --help'");
            }
        }
        return new MountOptions(fs, allowOther, nonempty, attrTimeout, entryTimeout, writeback, raw);
    }

    /**
     * Whether the kernel keeps written data in its page cache and writes it back in large
     * requests: only with -o writeback_cache, and never with sync (every write must be durable
     * when it returns) or ro. Off by default: it holds data past commit=, costs a round trip per
     * unlink, and slows parallel streaming writers (bench/RESULTS.md, "Writeback cache: opt-in").
     */
    boolean writebackCache() {
        return writeback && !fs.sync() && !fs.readOnly();
    }

    private static double seconds(String key, String value) {
        try {
            double d = Double.parseDouble(need(key, value));
            if (d < 0 || Double.isNaN(d) || d > 86400) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UserError(key + "=" + value + ": give seconds the kernel may cache (0 .. 86400, e.g. 1 or 0.5)");
        }
    }

    private static String need(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new UserError("mount option " + key + "= needs a value");
        }
        return value;
    }

    /** Options for fuse_mount (the kernel mount). */
    String mountOptions(String namespace) {
        List<String> o = new ArrayList<>(List.of("fsname=" + namespace.replace(",", "\\,"), "subtype=nvmfs",
                "default_permissions"));
        if (allowOther) {
            o.add("allow_other");
        }
        if (fs.readOnly()) {
            o.add("ro");
        }
        if (nonempty) {
            o.add("nonempty");
        }
        return String.join(",", o);
    }

    /** Options for fuse_lowlevel_new (the session): 128 KiB writes instead of 4 KiB ones. */
    String sessionOptions() {
        return "big_writes,max_write=131072";
    }
}
