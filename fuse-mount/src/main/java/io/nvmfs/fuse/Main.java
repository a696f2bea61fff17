package io.nvmfs.fuse;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code nvmfs} command. Exit codes: 0 success; 1 a user error (one line on stderr naming
 * the problem and the fix); 2 wrong arguments (usage on stderr); 3 the filesystem failed while
 * mounted.
 */
@Command(name = "nvmfs", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "A filesystem in persistent memory, mounted through FUSE.",
        subcommands = {MkfsCommand.class, MountCommand.class, UmountCommand.class, InfoCommand.class, StatsCommand.class,
                io.nvmfs.fsck.FsckCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 user error (the message says what to do), 2 wrong arguments,",
                "3 the filesystem failed while mounted; 'nvmfs fsck' uses fsck(8)'s codes (see 'nvmfs fsck --help')."})
public final class Main implements java.util.concurrent.Callable<Integer> {
    /** What every subcommand's --version (-V) prints. */
    static final String VERSION = "nvmfs 0.1.0";
    static final int USER_ERROR = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;
    /** Hidden option {@link #asMountHelper} adds: the mount is being made for mount(8). */
    static final String AS_HELPER = "--as-mount-helper";

    /** {@code nvmfs} with no subcommand: the usage, and exit 2 (it did nothing). */
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return USAGE;
    }

    public static void main(String[] args) {
        // Before any logger exists: see KeptLogs (the unmount after a SIGTERM is logged too).
        System.setProperty("java.util.logging.manager", KeptLogs.class.getName());
        if (args.length > 0 && args[0].equals("fsck")) {
            // fsck keeps fsck(8)'s exit codes (16 for a usage error), not this command's; without a
            // NAMESPACE it checks the default image, as info does.
            System.exit(io.nvmfs.fsck.FsckCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length), DefaultImage.path()));
        }
        CommandLine cl = new CommandLine(new Main());
        args = asMountHelper(cl, args);
        cl.setParameterExceptionHandler((ex, a) -> {
            // One line and a hint, as e2fsprogs' tools do; the usage itself is one --help away.
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName(" ");
            String message = ex.getMessage().split("\n")[0];
            if (c.getCommandSpec().parent() == null && ex instanceof CommandLine.UnmatchedArgumentException u
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                message = "'" + u.getUnmatched().get(0) + "' is not a command (commands: "
                        + String.join(", ", c.getSubcommands().keySet().stream().filter(k -> !k.equals("help")).toList()) + ")";
            }
            System.err.println(name + ": " + message);
            System.err.println("Try '" + name + " --help' for more information.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof UserError u) {
                System.err.println("nvmfs: " + u.getMessage());
                return USER_ERROR;
            }
            System.err.println("nvmfs: unexpected failure: " + ex);
            ex.printStackTrace(System.err);
            return FAILED;
        });
        System.exit(cl.execute(args));
    }

    /**
     * mount(8) with {@code -t fuse.nvmfs} (through mount.fuse) and fstab run {@code nvmfs SOURCE
     * MOUNTPOINT -o OPTIONS}: no subcommand. Such a call is a mount.
     */
    static String[] asMountHelper(CommandLine cl, String[] args) {
        if (args.length >= 2 && !args[0].startsWith("-") && !cl.getSubcommands().containsKey(args[0])
                && looksLikeASource(args[0])) {
            String[] withMount = new String[args.length + 2];
            withMount[0] = "mount";
            withMount[1] = AS_HELPER;
            System.arraycopy(args, 0, withMount, 2, args.length);
            return withMount;
        }
        return args;
    }

    /**
     * mount(8) passes the source as fstab or the command line names it: a path. A bare word that
     * names no file is a mistyped subcommand ({@code nvmfs moutn}, {@code nvmfs tune IMG}), not a
     * namespace: it gets a usage error instead of a mount of the default image.
     */
    private static boolean looksLikeASource(String arg) {
        return arg.contains("/") || java.nio.file.Files.exists(java.nio.file.Path.of(arg));
    }
}
