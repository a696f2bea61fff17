package io.nvmfs.fuse;

import io.nvmfs.core.FsException;
import io.nvmfs.core.NvmFs;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NamespaceOpenException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nvmfs mount [NAMESPACE] MOUNTPOINT [-o opts] [-f]}. Without {@code -f} it starts itself
 * again in the foreground as a detached process and returns once the mount is usable (or with
 * the child's error). In the foreground it holds an exclusive lock on the namespace while
 * mounted; SIGTERM, SIGINT or an unmount from outside make it persist everything, mark the
 * namespace clean, release the lock and exit 0.
 */
@Command(name = "mount", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = {"Mount an nvmfs namespace. With only MOUNTPOINT, mounts the default image",
                "$${XDG_DATA_HOME:-$HOME/.local/share}/nvmfs/default.img, creating it (4 GiB, sparse) on first use."})
final class MountCommand implements Callable<Integer> {
    @Parameters(index = "0..1", arity = "1..2", paramLabel = "[NAMESPACE] MOUNTPOINT", hideParamSyntax = true,
            description = "The namespace (image file or device-DAX; default: the default image) and the directory to mount it on.")
    List<Path> paths;

    @Option(names = "-o", split = ",", paramLabel = "OPTIONS",
            description = {"mount(8)'s options, applied as it documents them (a later one overrides an earlier one):",
                    "  ro, rw; nosuid, nodev (the FUSE default), suid, dev (root only); noexec, exec; sync, async;"
                            + " dirsync; relatime (default), noatime, strictatime, norelatime (= strictatime), atime;"
                            + " nodiratime, diratime (whether listing a directory updates its atime);"
                            + " lazytime, nolazytime; nosymfollow, symfollow; defaults (rw,suid,dev,exec,async);"
                            + " user, users (imply noexec,nosuid,nodev), owner, group (imply nosuid,nodev);"
                            + " auto, noauto, nofail, _netdev, nouser, silent, loud, x-*, comment= (no effect on the mount)."
                            + " Refused: mand, iversion, remount, SELinux context options.",
                    "FUSE's: allow_other, nonempty (default_permissions is always on).",
                    "nvmfs's: cache_size=SIZE (DRAM for cached metadata, default 64M), commit=SECONDS (data flush"
                            + " interval, default 5), attr_timeout=SECONDS, entry_timeout=SECONDS (kernel caching, default 1),"
                            + " writeback_cache (the kernel keeps written pages and hands them to nvmfs at fsync, close,"
                            + " unmount or within 30 s, whatever commit= says: small writes about 10x faster; default:"
                            + " every write(2) reaches nvmfs before it returns), no_writeback_cache,"
                            + " debug (log every FUSE request: opcode, node, errno or OK, microseconds; to the mount log,"
                            + " or stderr with -f; off by default),"
                            + " io_uring (requests through one io_uring queue per CPU, served by a thread pinned to it,"
                            + " instead of read and write on /dev/fuse; needs Y in /sys/module/fuse/parameters/enable_uring,"
                            + " else one line says so and the mount serves over /dev/fuse)."})
    List<String> options;

    @Option(names = "-f", description = "Stay in the foreground (default: return once mounted).")
    boolean foreground;

    @Option(names = {"-v", "--verbose"}, description = "Say where it is mounted and how to unmount it (the default on a"
            + " terminal; silent otherwise, as mount helpers are).")
    boolean verbose;

    /** Set by {@link Main#asMountHelper}: called by mount(8) or fstab, which expect silence on success. */
    @Option(names = Main.AS_HELPER, hidden = true)
    boolean asHelper;

    /** Set by {@link Background} on the child it starts: the parent has already said what the user should see once. */
    @Option(names = Background.CHILD, hidden = true)
    boolean detachedChild;

    /** Whether this JVM's log is the namespace's file ({@link MountLog#toFile}): the serving child, once installed. */
    private boolean loggingToFile;

    @Override
    public Integer call() throws Exception {
        Path mp = paths.get(paths.size() - 1).toAbsolutePath().normalize();
        // The namespace, and so its log, is known before anything is checked: the default image
        // by its path (it is made only once everything else is known good).
        Path ns = (paths.size() == 2 ? paths.get(0) : DefaultImage.path()).toAbsolutePath().normalize();
        try {
            return mount(ns, mp);
        } catch (Exception e) {
            logFailure(ns, mp, e);
            throw e;
        }
    }

    private int mount(Path ns, Path mp) throws Exception {
        // Whatever cannot be mounted is refused before anything is made: the default image is
        // created only once the device, libfuse, the options and the mount point are known good.
        environment();
        MountOptions mo = MountOptions.parse(options);
        mountPoint(mp, mo);
        if (paths.size() == 1) {
            DefaultImage.ensure();
        }
        namespace(ns);
        boolean root = KernelMount.root();
        String unprivileged = root ? null : mo.flags().checkUnprivileged();
        if (!detachedChild) {
            ImageAccess.warn(ns);
            if (unprivileged != null) {
                System.err.println("nvmfs: " + unprivileged);
            }
            String noRing = mo.ioUring() ? IoUringSupport.problem() : null;
            if (noRing != null) {
                System.err.println("nvmfs: -o io_uring: " + noRing + "; serving over /dev/fuse");
            }
        }
        if (!foreground) {
            boolean terminal = System.console() != null && System.console().isTerminal();
            return Background.start(ns, mp, options, mo.flags().listed(root), verbose || (terminal && !asHelper));
        }
        // The JVM that serves logs: the detached child to the namespace's log file (it has no
        // terminal), a foreground mount to stderr. Before anything can fail, so failures are logged.
        if (detachedChild) {
            MountLog.toFile(MountLog.path(ns), mo.debug());
            loggingToFile = true;
        } else {
            MountLog.toStderr(mo.debug());
        }
        return runForeground(ns, mp, mo, detachedChild);
    }

    /**
     * A mount that failed, in the namespace's log as one ERROR line: by the serving child through
     * its log once installed; before that — and by the command itself, whose checks (options,
     * /dev/fuse, libfuse, the mount point, the namespace) come before any child starts — appended
     * to the log file directly. A foreground mount logs to stderr, where Main's line already is.
     * (A child's failure is its own to log: the parent only shows it.)
     */
    private void logFailure(Path ns, Path mp, Exception e) {
        if (foreground && !detachedChild) {
            return;
        }
        String m = e instanceof UserError ? e.getMessage() : "unexpected failure: " + e;
        String line = m.startsWith("cannot mount ") ? m : "cannot mount " + ns + " on " + mp + ": " + m;
        if (loggingToFile) {
            LOG.severe(line);
        } else {
            MountLog.append(MountLog.path(ns), Level.SEVERE, line);
        }
    }

    /** The mount's own events: mounted, unmounted, signals; fs-core's and the adapter's loggers say the rest. */
    private static final Logger LOG = Logger.getLogger("io.nvmfs.mount");

    /** What a mount needs of the machine: a FUSE device this user can open, and libfuse 2. */
    static void environment() {
        FuseDevice.check(FuseDevice.DEVICE);
        if (!LibFuse.present()) {
            throw new UserError("libfuse2 is not installed: apt-get install fuse libfuse2 (or run bin/setup)");
        }
    }

    static void namespace(Path ns) {
        if (!Files.exists(ns)) {
            throw new UserError("namespace " + ns + " does not exist; make one with 'nvmfs mkfs --size 4G " + ns + "'");
        }
    }

    static void mountPoint(Path mp, MountOptions mo) {
        if (!Files.exists(mp)) {
            if (Mounts.isMountPoint(mp)) { // listed as mounted but not reachable: its server is gone
                throw new UserError("mount point " + mp + " is a stale FUSE mount (the process that served it has ended);"
                        + " unmount it with 'nvmfs umount " + mp + "', then mount again");
            }
            throw new UserError("mount point " + mp + " does not exist; create it with 'mkdir -p " + mp + "'");
        }
        if (!Files.isDirectory(mp)) {
            throw new UserError("mount point " + mp + " is not a directory");
        }
        if (Mounts.isMountPoint(mp)) {
            throw new UserError("mount point " + mp + " is busy: something is already mounted there");
        }
        if (!mo.nonempty()) {
            try (Stream<Path> s = Files.list(mp)) {
                if (s.findAny().isPresent()) {
                    throw new UserError("mount point " + mp + " is not empty; empty it or mount with -o nonempty");
                }
            } catch (IOException e) {
                throw new UserError("cannot read mount point " + mp + ": " + e.getMessage());
            }
        }
    }

    private static int runForeground(Path ns, Path mp, MountOptions mo, boolean detached) throws Exception {
        // Map first, lock second (see NamespaceLock).
        try (Namespace n = Namespace.open(ns); NamespaceLock lock = NamespaceLock.tryAcquire(ns)) {
            if (lock == null) {
                throw new UserError("namespace " + ns + " is in use by another mount; unmount it first");
            }
            NvmFs fs;
            try {
                fs = NvmFs.attach(n.media(), mo.fs());
            } catch (FsException e) {
                throw new UserError("cannot mount " + ns + ": " + e.getMessage());
            }
            for (String line : fs.attachReport()) {
                LOG.info(ns + ": " + line);
            }
            return serve(fs, ns, mp, mo, detached);
        } catch (NamespaceOpenException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * The stats socket (nvmfs stats), or null when it cannot be made: the mount serves without it
     * and says so in one line, as a figure for people is no reason to refuse a mount.
     */
    private static StatsServer startStats(NvmFs fs, Dispatcher dispatcher, Transport transport, Path ns, Path mp,
                                          MountOptions mo) {
        try {
            return StatsServer.start(fs, dispatcher.counts, transport, ns.toString(), mp.toAbsolutePath().normalize(),
                    mo.runsWith(ns.toString(), KernelMount.root()));
        } catch (IOException | RuntimeException e) {
            System.err.println("nvmfs: " + mp + ": no stats socket (" + e.getMessage() + "); 'nvmfs stats' will not answer");
            return null;
        }
    }

    /** Serving threads: more than the cores, so one slow call (fsync) never blocks every caller. */
    static final int THREADS = 8;

    /** Mounts and blocks until unmounted; then persists everything and marks the namespace clean. */
    private static int serve(NvmFs fs, Path ns, Path mp, MountOptions mo, boolean detached) throws Exception {
        Transport transport = new Transport(mo.ioUring(), Session.RING_DEPTH);
        if (mo.ioUring()) {
            String why = IoUringSupport.problem();
            if (why != null) {
                transport.ringNotUsed(why);
                if (detached) { // the command that started this child has said so on its stderr (mount)
                    LOG.warning("-o io_uring: " + why + "; serving over /dev/fuse");
                }
            }
        }
        InitNegotiation init = new InitNegotiation(mo.writebackCache(), transport.ringUsable(), MountOptions.MAX_WRITE);
        Dispatcher dispatcher = new Dispatcher(new FsRequests(fs, init, mo.attrTimeout(), mo.entryTimeout()), init, mo.debug());
        Session session = new Session(LibFuseMount.load(), mp, init, dispatcher, transport);
        session.mount(mo.mountOptions(ns.toString()));
        StatsServer stats = startStats(fs, dispatcher, transport, ns, mp, mo);
        UserError flagsFailed = setFlags(mp, mo.flags());
        if (flagsFailed != null) {
            session.requestUnmount(); // serve() below then returns at once, having cleaned up
        } else {
            LOG.info("mounted " + ns + " on " + mp + " (pid " + ProcessHandle.current().pid() + ", options "
                    + (mo.raw().isEmpty() ? "none" : String.join(",", mo.raw())) + (fs.isReadOnly() ? ", read-only" : "") + ")");
            if (detached) {
                // Serving: the parent that read this JVM's stdout and stderr is gone or about to be;
                // from here on everything goes to the log, uncaught failures included.
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            }
        }
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> LOG.log(Level.SEVERE, "uncaught in thread " + t.getName(), e));
        SignalLog.install(LOG, mp);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            session.requestUnmount();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nvmfs-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.serve(THREADS);
        } finally {
            // Whatever close meets (a fault on a truncated namespace), the shutdown hook is released
            // and the process ends: it must never outlive its unmount holding the namespace lock.
            if (stats != null) {
                stats.close();
            }
            try {
                fs.close();
                if (flagsFailed == null) {
                    LOG.info("unmounted " + ns + " from " + mp + (fs.isReadOnly() ? " (read-only)" : ": persisted, marked clean"));
                }
            } catch (FsException | RuntimeException | Error e) {
                String why = ns + ": unmounted, but not everything could be persisted: " + e.getMessage();
                LOG.severe(why);
                if (!detached) {
                    System.err.println("nvmfs: " + why);
                }
                return 3;
            } finally {
                closed.countDown();
            }
        }
        if (flagsFailed != null) {
            throw flagsFailed;
        }
        return 0;
    }

    /**
     * Sets what fuse_mount could not ({@link MountFlags#remountFlags}, root only), then checks
     * that the kernel lists exactly the flags asked: a mount never runs with flags other than
     * those given. Returns the failure (the caller unmounts), or null.
     */
    private static UserError setFlags(Path mp, MountFlags asked) {
        try {
            boolean root = KernelMount.root();
            if (root && asked.needsRemount()) {
                KernelMount.remount(mp, asked.remountFlags());
            }
            Mounts.Options shown = Mounts.optionsAt(mp);
            if (shown == null || !asked.listed(root).shownIn(shown.mount(), shown.superblock())) {
                return new UserError("the kernel does not list the flags asked for " + mp + " (" + asked + "): it lists "
                        + (shown == null ? "no mount" : String.join(",", shown.mount()) + " and " + String.join(",", shown.superblock())));
            }
            return null;
        } catch (UserError e) {
            return e;
        }
    }
}
