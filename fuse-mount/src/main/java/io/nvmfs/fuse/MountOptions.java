package io.nvmfs.fuse;

import io.nvmfs.core.FsOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The -o options nvmfs understands: mount(8)'s filesystem-independent ones ({@link MountFlags}:
 * ro, nosuid, noexec, noatime, lazytime, ...), FUSE's (allow_other, default_permissions,
 * nonempty) and its own (cache_size=, commit=, attr_timeout=, entry_timeout=, writeback_cache,
 * debug, io_uring: requests through per-CPU io_uring queues instead of read/write on /dev/fuse). {@code debug} is nvmfs's only: it never reaches libfuse, whose own debug option would
 * print every request and reply to stderr in its own multi-line format — nowhere a background
 * mount's log is, and mixed into a foreground mount's.
 * Anything else is an error. ro, sync and the atime policy are both kernel flags and nvmfs's own
 * behaviour: {@link #fs} is derived from {@link #flags}, so the two never disagree.
 */
record MountOptions(FsOptions fs, MountFlags flags, boolean allowOther, boolean nonempty, double attrTimeout,
                    double entryTimeout, boolean writeback, boolean debug, boolean ioUring, List<String> raw) {
    /** The largest READ/WRITE request the kernel is told to send (256 pages, its default ceiling). */
    static final int MAX_WRITE = 1 << 20;

    static MountOptions parse(List<String> opts) {
        FsOptions fs = FsOptions.defaults();
        MountFlags flags = MountFlags.FUSE_DEFAULTS;
        boolean allowOther = false;
        boolean nonempty = false;
        double attrTimeout = 1.0;
        double entryTimeout = 1.0;
        boolean writeback = false;
        boolean debug = false;
        boolean ioUring = false;
        List<String> raw = new ArrayList<>();
        for (String o : opts == null ? List.<String>of() : opts) {
            if (o.isBlank()) {
                continue;
            }
            raw.add(o);
            MountFlags next = flags.with(o);
            if (next != null) {
                flags = next;
                continue;
            }
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            String value = o.contains("=") ? o.substring(o.indexOf('=') + 1) : null;
            switch (key) {
                case "allow_other" -> allowOther = true;
                case "nonempty" -> nonempty = true;
                case "writeback_cache" -> writeback = true;
                case "no_writeback_cache" -> writeback = false;
                case "debug" -> debug = true;
                case "io_uring" -> ioUring = true;
                case "default_permissions" -> {
                    // always on: the kernel checks permissions, nvmfs trusts it
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
        fs = fs.withReadOnly(flags.readOnly()).withSync(flags.sync()).withAtime(flags.atime()).withDirAtime(!flags.noDirAtime());
        return new MountOptions(fs, flags, allowOther, nonempty, attrTimeout, entryTimeout, writeback, debug, ioUring, raw);
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

    /**
     * Every option this mount runs with, for {@code nvmfs stats}: what fuse_mount gets besides the
     * flags (fsname, subtype, default_permissions), the flags as they hold ({@link
     * MountFlags#inEffect}), FUSE's (allow_other, nonempty) and nvmfs's own with their values,
     * defaults included (commit=, cache_size=, attr_timeout=, entry_timeout=), then
     * writeback_cache when the kernel is given it (not with sync or ro), debug and io_uring when
     * given (whether the rings serve is the stats' transport line).
     */
    String runsWith(String namespace, boolean root) {
        List<String> o = new ArrayList<>(List.of("fsname=" + namespace.replace(",", "\\,"), "subtype=nvmfs",
                "default_permissions"));
        o.addAll(flags.inEffect(root));
        if (allowOther) {
            o.add("allow_other");
        }
        if (nonempty) {
            o.add("nonempty");
        }
        o.add("commit=" + fs.commitMillis() / 1000);
        o.add("cache_size=" + Sizes.option(fs.cacheBytes()));
        o.add("attr_timeout=" + seconds(attrTimeout));
        o.add("entry_timeout=" + seconds(entryTimeout));
        if (writebackCache()) {
            o.add("writeback_cache");
        }
        if (debug) {
            o.add("debug");
        }
        if (ioUring) {
            o.add("io_uring");
        }
        return String.join(",", o);
    }

    /** Seconds as -o takes them: 1, 0.5, 86400 (no trailing zeros, no exponent). */
    private static String seconds(double s) {
        return java.math.BigDecimal.valueOf(s).stripTrailingZeros().toPlainString();
    }

    /** Options for fuse_mount (the kernel mount): see {@link MountFlags#libfuseOptions} for the flags. */
    String mountOptions(String namespace) {
        List<String> o = new ArrayList<>(List.of("fsname=" + namespace.replace(",", "\\,"), "subtype=nvmfs",
                "default_permissions"));
        o.addAll(flags.libfuseOptions());
        if (allowOther) {
            o.add("allow_other");
        }
        if (nonempty) {
            o.add("nonempty");
        }
        return String.join(",", o);
    }
}
