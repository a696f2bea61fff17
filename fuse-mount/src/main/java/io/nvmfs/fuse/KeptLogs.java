package io.nvmfs.fuse;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, minus reset: the JDK's resets at shutdown, in a shutdown hook of
 * its own that runs alongside the mount's, closing and removing every handler, so the events of
 * an unmount after SIGTERM (persisted, marked clean) were lost. nvmfs configures logging once
 * ({@link MountLog}) and never resets it; the handlers' lines are flushed as written, so nothing
 * needs closing at exit. Public with a public constructor: LogManager instantiates it by name
 * (the {@code java.util.logging.manager} property {@link Main} sets first thing).
 */
public final class KeptLogs extends LogManager {
    public KeptLogs() {}

    @Override
    public void reset() {
        // never: see the class comment
    }
}
