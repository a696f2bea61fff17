package io.nvmfs.fsck;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NamespaceOpenException;
import io.nvmfs.nvmpg.Persistence;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nvmfs fsck} / {@code fsck.nvmfs}: opens the namespace as the mode allows and runs {@link Fsck}. */
@Command(name = "fsck", mixinStandardHelpOptions = true, version = "nvmfs 0.1.0",
        description = "Check an nvmfs namespace and repair what is wrong (offline: refuses a mounted namespace, except with -n).",
        footer = {"", "Exit codes (fsck(8)): 0 no problems, 1 problems corrected, 4 problems left uncorrected,",
                "8 operational error, 16 usage error, 32 cancelled; 1 and 4 may be combined (5).",
                "Every problem is one line: CODE subject: problem (detail). Repair? yes|no"})
public final class FsckCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE",
            description = "Image file or device-DAX namespace ('nvmfs fsck' without it checks the default image,"
                    + " $${XDG_DATA_HOME:-$HOME/.local/share}/nvmfs/default.img).")
    Path namespace;

    /**
     * What to check when no NAMESPACE is given, or null: this module does not know where the
     * nvmfs command keeps its default image, so the command ({@code Main}) says.
     */
    private final Path defaultNamespace;

    /** The command with no default: a missing NAMESPACE is a usage error. */
    public FsckCommand() {
        this(null);
    }

    FsckCommand(Path defaultNamespace) {
        this.defaultNamespace = defaultNamespace;
    }

    @Option(names = "-n", description = "Check only: answer no to every repair; nothing is written.")
    boolean no;

    @Option(names = {"-p", "-a"}, description = "Preen: make the safe repairs; stop at the first other problem (exit 4).")
    boolean preen;

    @Option(names = "-y", description = "Answer yes to every repair.")
    boolean yes;

    @Option(names = "-f", description = "Check even if the filesystem is marked clean.")
    boolean force;

    @Option(names = "--json", description = "Print one JSON report instead of the problem lines.")
    boolean json;

    @Option(names = "--backup", paramLabel = "FILE",
            description = "Before changing a page, copy it to FILE (created; must not exist). Format in fsck/README.md.")
    Path backup;

    @Option(names = "-C", paramLabel = "FD", description = {"Write progress to descriptor FD (0: stdout) as e2fsck does,"
            + " one line 'PASS CURRENT MAX NAMESPACE' at the start and end of each long pass (4 to 8) and at most"
            + " five a second between. Without it, progress is drawn on stderr when stderr is a terminal."})
    Integer progressFd;

    /** Runs as its own command line: usage errors exit 16, as fsck(8) wants. */
    public static int main(String[] args) {
        return main(args, null);
    }

    /** As {@link #main(String[])}, checking {@code defaultNamespace} (if not null) when no NAMESPACE is given. */
    public static int main(String[] args, Path defaultNamespace) {
        CommandLine cl = new CommandLine(new FsckCommand(defaultNamespace));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("fsck.nvmfs: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("fsck.nvmfs: unexpected failure: " + ex);
            ex.printStackTrace(System.err);
            return ExitCode.OPERATIONAL;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (namespace == null) {
            if (defaultNamespace == null) {
                System.err.println("fsck.nvmfs: no NAMESPACE given; name the image file or device to check");
                return ExitCode.USAGE;
            }
            if (!Files.exists(defaultNamespace)) {
                System.err.println("fsck.nvmfs: no NAMESPACE given, and the default image " + defaultNamespace
                        + " does not exist ('nvmfs mount MOUNTPOINT' makes it)");
                return ExitCode.OPERATIONAL;
            }
            namespace = defaultNamespace;
        }
        int modes = (no ? 1 : 0) + (preen ? 1 : 0) + (yes ? 1 : 0);
        if (modes > 1) {
            System.err.println("fsck.nvmfs: -n, -p and -y exclude each other; choose one");
            return ExitCode.USAGE;
        }
        java.io.Console console = System.console();
        RepairMode mode = no ? RepairMode.NO : preen ? RepairMode.PREEN : yes ? RepairMode.YES : RepairMode.ASK;
        if (mode == RepairMode.ASK && (console == null || !console.isTerminal())) {
            System.err.println("fsck.nvmfs: no terminal to ask on; run with -n (check), -p (safe repairs) or -y (all repairs)");
            return ExitCode.OPERATIONAL;
        }
        if (backup != null && mode == RepairMode.NO) {
            System.err.println("fsck.nvmfs: --backup has nothing to do with -n (nothing is written)");
            return ExitCode.USAGE;
        }
        if (progressFd != null && progressFd < 0) {
            System.err.println("fsck.nvmfs: -C " + progressFd + ": progress switched on later by SIGUSR1 is not supported;"
                    + " give the descriptor itself");
            return ExitCode.USAGE;
        }
        if (progressFd != null && progressFd > 2 && !Fd.isOpen(progressFd)) { // 0, 1, 2: Java's own streams
            System.err.println("fsck.nvmfs: -C " + progressFd + ": descriptor " + progressFd + " is not open");
            return ExitCode.OPERATIONAL; // as e2fsck: "Invalid completion information file descriptor"
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        installCancel(cancelled);
        BufferedReader terminal = mode == RepairMode.ASK ? new BufferedReader(new InputStreamReader(System.in)) : null;
        Progress progress = Progress.forTerminal(System.err, progressLines(), namespace.toString());
        java.util.function.Function<Boolean, Fsck> fsck = mounted -> new Fsck(
                new Fsck.Options(mode, force, json, namespace.toString(), mounted), System.out, System.err, progress,
                terminal, cancelled::get);
        try {
            return mode == RepairMode.NO ? checkPrivately(fsck) : checkAndRepair(fsck.apply(false));
        } catch (OperationalError e) {
            System.err.println("fsck.nvmfs: " + e.getMessage());
            return ExitCode.OPERATIONAL;
        }
    }

    /** Where -C's lines go: descriptor 0 means stdout (as in e2fsck, whose -C 0 draws on stdout), 1 and 2 their streams. */
    private java.io.PrintStream progressLines() {
        if (progressFd == null) {
            return null;
        }
        return switch (progressFd) {
            case 0, 1 -> System.out;
            case 2 -> System.err;
            default -> new java.io.PrintStream(Fd.output(progressFd), false, java.nio.charset.StandardCharsets.UTF_8);
        };
    }

    private int checkAndRepair(Fsck fsck) {
        Namespace ns;
        try {
            ns = Namespace.open(namespace);
        } catch (NamespaceOpenException e) {
            throw new OperationalError(e.getMessage());
        }
        // Map first, lock second (closing a descriptor drops this process's fcntl locks), as mount does.
        try (ns; FileChannel lockChannel = FileChannel.open(namespace, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException heldByThisProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new OperationalError("namespace " + namespace + " is in use by a mount; unmount it first,"
                        + " or check it read-only with -n");
            }
            try (Fsck.MediaWriterHandle writer = new Fsck.MediaWriterHandle(ns.media(), openBackup())) {
                return fsck.run(ns.media(), false, writer);
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new OperationalError("namespace " + namespace + ": " + e.getMessage());
        }
    }

    /**
     * -n: a private (copy-on-write) mapping, so not one byte can reach the namespace, whatever
     * happens. A namespace in use by a mount is checked as it is on the media now, with one
     * warning that it is mounted; its live journal is not reported (see {@link Report}).
     */
    private int checkPrivately(java.util.function.Function<Boolean, Fsck> fsckFor) {
        if (!Files.exists(namespace)) {
            throw new OperationalError("namespace " + namespace + ": no such file or device");
        }
        try (Arena arena = Arena.ofShared();
             FileChannel ch = FileChannel.open(namespace, StandardOpenOption.READ)) {
            boolean mounted = lockedByAMount(ch);
            if (mounted) {
                System.err.println("fsck.nvmfs: warning: " + namespace + " is in use by a mount: checking it read-only as it"
                        + " is on the media now; the mount's live journal is not a problem, but its work in progress may look like one");
            }
            Fsck fsck = fsckFor.apply(mounted);
            long size = io.nvmfs.nvmpg.NamespaceSize.of(namespace, ch) & ~4095L;
            if (size < 16 * 4096) {
                throw new OperationalError("namespace " + namespace + ": " + size + " bytes is too small to hold nvmfs");
            }
            // Copy-on-write without reserving the namespace's size in DRAM: -n needs memory only
            // for the pages it replays or repairs in its own view, so any namespace size checks.
            MemorySegment seg = io.nvmfs.nvmpg.PrivateMapping.map(namespace, size, arena);
            Media media = Media.ofMemory(seg, Persistence.NONE);
            try (Fsck.MediaWriterHandle writer = new Fsck.MediaWriterHandle(media, null)) {
                return fsck.run(media, true, writer);
            }
        } catch (NamespaceOpenException e) {
            throw new OperationalError(e.getMessage());
        } catch (AccessDeniedException e) {
            throw new OperationalError("namespace " + namespace + ": permission denied");
        } catch (IOException e) {
            throw new OperationalError("namespace " + namespace + ": " + e.getMessage());
        }
    }

    /**
     * Whether a mount holds the namespace's mount lock (an exclusive fcntl lock, see
     * fuse-mount's NamespaceLock): a shared lock, which needs only read access, is refused then.
     * It is released at once; closing {@code ch} would release it anyway.
     */
    private static boolean lockedByAMount(FileChannel ch) throws IOException {
        try {
            FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException heldByThisProcess) {
            return true;
        }
    }

    private OutputStream openBackup() {
        if (backup == null) {
            return null;
        }
        try {
            return Files.newOutputStream(backup, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new OperationalError("backup file " + backup + " already exists; name a new file");
        } catch (IOException e) {
            throw new OperationalError("backup file " + backup + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("restriction")
    private static void installCancel(AtomicBoolean cancelled) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> cancelled.set(true));
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> cancelled.set(true));
        } catch (IllegalArgumentException unsupported) {
            // No such signal here: fsck then simply cannot be cancelled between passes.
        }
    }

    private static final class OperationalError extends RuntimeException {
        OperationalError(String message) {
            super(message, null, false, false);
        }
    }
}
