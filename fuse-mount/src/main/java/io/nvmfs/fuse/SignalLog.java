package io.nvmfs.fuse;

import java.nio.file.Path;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Logs SIGTERM, SIGINT and SIGHUP by name before the JVM's own handler runs them (the shutdown
 * hook then unmounts, persists and marks clean): a shutdown hook alone cannot tell a signal from
 * an unmount from outside. Chained, never replacing: a signal the JVM ignores or leaves to the
 * default (SIGHUP under nohup, -Xrs) stays so.
 */
final class SignalLog {
    private SignalLog() {}

    static void install(Logger log, Path mp) {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal sig = new Signal(name);
                SignalHandler[] previous = new SignalHandler[1];
                previous[0] = Signal.handle(sig, s -> {
                    log.info("received SIG" + s.getName() + ": unmounting " + mp);
                    SignalHandler p = previous[0];
                    if (p != null) {
                        p.handle(s);
                    } else { // arrived before handle() returned: what the JVM's handler does
                        System.exit(128 + s.getNumber());
                    }
                });
                if (previous[0] == SignalHandler.SIG_DFL || previous[0] == SignalHandler.SIG_IGN) {
                    Signal.handle(sig, previous[0]); // not the JVM's: put it back as it was
                }
            } catch (IllegalArgumentException e) {
                // the JVM reserves this signal here: it is not logged, and works as before
            }
        }
    }
}
