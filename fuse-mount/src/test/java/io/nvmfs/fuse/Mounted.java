package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nvmfs mount for integration tests: the packaged launcher ({@code java -jar nvmfs.jar})
 * run as separate processes, a fresh image, a real FUSE mount through /dev/fuse.
 */
final class Mounted implements AutoCloseable {
    final Path dir;
    final Path image;
    final Path mnt;
    /** JVM options for the mount process (NVMFS_JAVA_OPTS, which the launcher passes to the JVM that serves). */
    private final String javaOptions;

    /** XDG_STATE_HOME of every command the tests run, unless they set it: the mount logs land in the build tree. */
    static final Path TEST_STATE = Path.of(System.getProperty("nvmfs.jar")).toAbsolutePath().getParent().resolve("it-state");

    /**
     * The transport every mount the tests make is served over: {@code io_uring} in the io-uring
     * execution of the integration tests (fuse-mount/pom.xml), which then mounts with -o io_uring;
     * empty for /dev/fuse.
     */
    static final String TRANSPORT = System.getProperty("nvmfs.transport", "");

    /** What the mount options the tests expect end with on this transport: {@code ,io_uring} or nothing. */
    static String transportOption() {
        return TRANSPORT.isEmpty() ? "" : "," + TRANSPORT;
    }

    record Result(int exit, String out, String err) {
    }

    private Mounted(Path dir, String javaOptions) {
        this.dir = dir;
        this.image = dir.resolve("fs.img");
        this.mnt = dir.resolve("mnt");
        this.javaOptions = javaOptions;
    }

    /** mkfs a fresh image of {@code size} in {@code dir} and mount it with {@code options}. */
    static Mounted fresh(Path dir, String size, String... options) throws Exception {
        return freshWithJvm(dir, size, "", options);
    }

    /** Mounts the image already in {@code dir} (fs.img, on dir/mnt) with {@code options}. */
    static Mounted existing(Path dir, String... options) throws Exception {
        Mounted m = new Mounted(dir, "");
        Files.createDirectories(m.mnt);
        m.mount(options);
        return m;
    }

    /** The mount already made on dir/mnt from dir/fs.img (by a test's own mount command), unmounted at close. */
    static Mounted existingMounted(Path dir) {
        return new Mounted(dir, "");
    }

    /** As {@link #fresh}, with the JVM serving the mount (and every remount) started with {@code javaOptions}. */
    static Mounted freshWithJvm(Path dir, String size, String javaOptions, String... options) throws Exception {
        Mounted m = new Mounted(dir, javaOptions);
        Files.createDirectories(m.mnt);
        m.ok("mkfs", "--size", size, m.image.toString());
        m.mount(options);
        return m;
    }

    void mount(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("mount", image.toString(), mnt.toString()));
        List<String> all = new ArrayList<>(List.of(options));
        if (!TRANSPORT.isEmpty()) {
            all.add(TRANSPORT);
        }
        if (!all.isEmpty()) {
            args.add("-o");
            args.add(String.join(",", all));
        }
        ok(args.toArray(String[]::new));
    }

    /** Runs the nvmfs command; returns exit code and output. */
    static Result nvmfs(String... args) throws IOException, InterruptedException {
        return nvmfsWith("", args);
    }

    private static Result nvmfsWith(String javaOptions, String... args) throws IOException, InterruptedException {
        return nvmfs(javaOptions.isEmpty() ? Map.of() : Map.of(Background.JAVA_OPTS, javaOptions), args);
    }

    /** Runs the nvmfs command with {@code env} added to its environment. */
    static Result nvmfs(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-jar", System.getProperty("nvmfs.jar")));
        cmd.addAll(List.of(args));
        return run(cmd, env);
    }

    /** The checkout this build runs in: nvmfs.jar is CHECKOUT/fuse-mount/target/nvmfs.jar. */
    static Path checkout() {
        return Path.of(System.getProperty("nvmfs.jar")).toAbsolutePath().getParent().getParent().getParent();
    }

    /**
     * Runs the real launcher, bin/nvmfs, as a user runs it (the shell script, its JDK lookup and
     * locale handling, then the jar), with {@code env} applied to this process's environment: a
     * null value removes the variable.
     */
    static Result launcher(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(checkout().resolve("bin/nvmfs").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, env);
    }

    Result ok(String... args) throws IOException, InterruptedException {
        Result r = nvmfsWith(javaOptions, args);
        assertEquals(0, r.exit(), "nvmfs " + String.join(" ", args) + " failed: " + r.err() + r.out());
        return r;
    }

    /** Runs a shell command in the mount point. */
    Result sh(String script) throws IOException, InterruptedException {
        return run(List.of("bash", "-c", "cd '" + mnt + "' && " + script));
    }

    Result shOk(String script) throws IOException, InterruptedException {
        Result r = sh(script);
        assertEquals(0, r.exit(), "'" + script + "' failed: " + r.err() + r.out());
        return r;
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, Map.of());
    }

    /** Runs {@code cmd} with {@code env} added to this process's environment (a null value removes the variable). */
    static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nvmfs-it", ".out");
        Path err = Files.createTempFile("nvmfs-it", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // Mount logs of every test in the build tree, not in /var/log/nvmfs (the tests run as root):
        // a test that looks at logs sets its own XDG_STATE_HOME.
        pb.environment().putIfAbsent("XDG_STATE_HOME", TEST_STATE.toString());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    boolean mounted() {
        return Mounts.isNvmfsMount(mnt.toAbsolutePath());
    }

    /** pid of the foreground mount process serving this mount point. */
    long mountPid() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("mount " + image + " " + mnt + " -f")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElseThrow(() -> new AssertionError("no mount process for " + mnt));
    }

    /**
     * The FUSE connection of this mount (the minor number of its st_dev, the name of its directory
     * under /sys/fs/fuse/connections), read from /proc/self/mountinfo: stat(2) of the mount point
     * would be a request to the mount, and would hang with it.
     */
    long connection() throws IOException {
        long found = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" "); // id parent major:minor root mountpoint ...
            if (f.length > 4 && Mounts.unescape(f[4]).equals(mnt.toAbsolutePath().toString())) {
                found = Long.parseLong(f[2].substring(f[2].indexOf(':') + 1)); // the last mount there is the visible one
            }
        }
        if (found < 0) {
            throw new AssertionError(mnt + " is not mounted");
        }
        return found;
    }

    /** What the kernel lists for this mount (/proc/self/mountinfo, not a request to the mount). */
    Mounts.Options kernelOptions() {
        Mounts.Options o = Mounts.optionsAt(mnt.toAbsolutePath());
        if (o == null) {
            throw new AssertionError(mnt + " is not mounted");
        }
        return o;
    }

    /**
     * Aborts this mount's FUSE connection: every request waiting for an answer, and every later
     * one, fails with ENOTCONN, so callers stuck in uninterruptible sleep return. The mount
     * process sees the device go away and ends; {@link #close} then clears the dead mount.
     */
    void abortConnection() throws IOException, InterruptedException {
        Path abort = fuseControl().resolve(Long.toString(connection())).resolve("abort");
        Files.writeString(abort, "1");
    }

    /** /sys/fs/fuse/connections, with the fusectl filesystem mounted there (mounted now if it was not). */
    static Path fuseControl() throws IOException, InterruptedException {
        Path dir = Path.of("/sys/fs/fuse/connections");
        boolean mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .anyMatch(l -> l.split(" ").length > 2 && l.split(" ")[2].equals("fusectl"));
        if (!mounted) {
            Result r = run(List.of("mount", "-t", "fusectl", "none", dir.toString()));
            assertEquals(0, r.exit(), "cannot mount fusectl on " + dir + ": " + r.err());
        }
        return dir;
    }

    /** A watchdog over calls into this mount: see {@link Watchdog}. */
    Watchdog watchdog(Duration limit) throws IOException, InterruptedException {
        return new Watchdog(this, limit);
    }

    @Override
    public void close() throws Exception {
        if (mounted()) {
            ok("umount", mnt.toString());
        }
    }
}
