package io.nvmfs.fuse;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code nvmfs} command. Exit codes: 0 success; 1 a user error (one line on stderr naming
 * the problem and the fix); 2 wrong arguments (usage on stderr); 3 the filesystem failed while
 * mounted.
 */
@Command(name = "nvmfs", mixinStandardHelpOptions = true, version = "nvmfs 0.1.0",
        description = "A filesystem in persistent memory, mounted through FUSE.",
        subcommands = {MkfsCommand.class, MountCommand.class, UmountCommand.class, InfoCommand.class,
                io.nvmfs.fsck.FsckCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 user error (the message says what to do), 2 wrong arguments,",
                "3 the filesystem failed while mounted; 'nvmfs fsck' uses fsck(8)'s codes (see 'nvmfs fsck --help')."})
public final class Main implements Runnable {
    static final int USER_ERROR = 1;
    static final int FAILED = 3;

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("fsck")) {
            // fsck keeps fsck(8)'s exit codes (16 for a usage error), not this command's.
            System.exit(io.nvmfs.fsck.FsckCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        CommandLine cl = new CommandLine(new Main());
        args = asMountHelper(cl, args);
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
        if (args.length >= 2 && !args[0].startsWith("-") && !cl.getSubcommands().containsKey(args[0])) {
            String[] withMount = new String[args.length + 1];
            withMount[0] = "mount";
            System.arraycopy(args, 0, withMount, 1, args.length);
            return withMount;
        }
        return args;
    }
}
