package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nvmfs mount for integration tests: the packaged launcher ({@code java -jar nvmfs.jar})
 * run as separate processes, a fresh image, a real FUSE mount through /dev/fuse.
 */
final class Mounted implements AutoCloseable {
    final Path dir;
    final Path image;
    final Path mnt;

    record Result(int exit, String out, String err) {
    }

    private Mounted(Path dir) {
        this.dir = dir;
        this.image = dir.resolve("fs.img");
        this.mnt = dir.resolve("mnt");
    }

    /** mkfs a fresh image of {@code size} in {@code dir} and mount it with {@code options}. */
    static Mounted fresh(Path dir, String size, String... options) throws Exception {
        Mounted m = new Mounted(dir);
        Files.createDirectories(m.mnt);
        m.ok("mkfs", "--size", size, m.image.toString());
        m.mount(options);
        return m;
    }

    void mount(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("mount", image.toString(), mnt.toString()));
        if (options.length > 0) {
            args.add("-o");
            args.add(String.join(",", options));
        }
        ok(args.toArray(String[]::new));
    }

    /** Runs the nvmfs command; returns exit code and output. */
    static Result nvmfs(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-jar", System.getProperty("nvmfs.jar")));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    Result ok(String... args) throws IOException, InterruptedException {
        Result r = nvmfs(args);
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
        Path out = Files.createTempFile("nvmfs-it", ".out");
        Path err = Files.createTempFile("nvmfs-it", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
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

    @Override
    public void close() throws Exception {
        if (mounted()) {
            ok("umount", mnt.toString());
        }
    }
}
