package io.nvmfs.fuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the mount in a detached child JVM (the same command with -f, in its own session via
 * setsid, so closing the terminal does not end it) and waits until the kernel shows the mount,
 * with the flags asked, or the child exits (then its error is shown and its exit code returned).
 *
 * <p>The child is the JVM that serves the mount, so it is the one {@code NVMFS_JAVA_OPTS}
 * (whitespace-separated JVM options, e.g. {@code -Xmx256m}; also honoured by bin/nvmfs) is for.
 */
final class Background {
    static final String JAVA_OPTS = "NVMFS_JAVA_OPTS";
    /**
     * The hidden mount option marking the child: it does not repeat the parent's warnings, logs
     * to the namespace's {@link MountLog}, and writes to its stdout and stderr (a pipe this parent
     * reads, shown when the child fails) only until it serves.
     */
    static final String CHILD = "--detached-child";

    private Background() {}

    /**
     * Starts the child and waits until the mount is ready: the kernel shows it with the flags
     * {@code listed} (set in part by a remount after fuse_mount, so the mount alone is not enough).
     */
    static int start(Path ns, Path mp, List<String> options, MountFlags listed, boolean announce)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of("setsid", java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(javaOptions(System.getenv(JAVA_OPTS)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "mount", ns.toString(), mp.toString(), "-f", CHILD));
        if (options != null && !options.isEmpty()) {
            cmd.add("-o");
            cmd.add(String.join(",", options));
        }
        Path log = MountLog.path(ns);
        Process child = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .start();
        // Drained as it comes, so the child never blocks on a full pipe; shown only if it fails.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = Thread.ofPlatform().daemon().name("nvmfs-child-output").start(() -> {
            try (InputStream in = child.getInputStream()) {
                in.transferTo(output);
            } catch (IOException e) {
                // the child is gone or closed its side: what came is what there is
            }
        });
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            Mounts.Options shown = Mounts.isNvmfsMount(mp) ? Mounts.optionsAt(mp) : null;
            if (shown != null && listed.shownIn(shown.mount(), shown.superblock())) {
                if (announce) {
                    System.out.println("nvmfs: mounted " + ns + " on " + mp + " (pid " + child.pid() + ", log " + log
                            + "); unmount with 'nvmfs umount " + mp + "'");
                }
                return 0;
            }
            if (!child.isAlive()) {
                drain.join(5_000);
                String out;
                synchronized (output) {
                    out = output.toString(StandardCharsets.UTF_8).trim();
                }
                System.err.print(out.isEmpty() ? "" : out + "\n");
                return child.exitValue() == 0 ? Main.USER_ERROR : child.exitValue();
            }
            Thread.sleep(20);
        }
        child.destroy();
        throw new UserError("the mount of " + ns + " on " + mp + " did not become ready within 2 minutes; see " + log);
    }

    /** {@code NVMFS_JAVA_OPTS} as JVM arguments: split at whitespace (no quoting, as bin/nvmfs splits it). */
    static List<String> javaOptions(String env) {
        if (env == null || env.isBlank()) {
            return List.of();
        }
        return List.of(env.trim().split("\\s+"));
    }
}
