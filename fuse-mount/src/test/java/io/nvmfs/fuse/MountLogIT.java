package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount log, through the real launcher: one file per namespace under XDG_STATE_HOME, one
 * line per event in one format, appended across mounts (mount, unmount, SIGTERM, the replay
 * after kill -9), named by -v; a foreground mount logs to stderr instead; no temporary files. A
 * mount refused before its serving process starts (a bad option, a missing namespace or mount
 * point, no /dev/fuse) is logged too, one line each.
 */
class MountLogIT {
    /** ISO-8601 with milliseconds and offset, a level, a message. */
    static final Pattern LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d (ERROR|WARN|INFO|DEBUG) \\S.*");

    @TempDir
    Path dir;

    private Map<String, String> env() throws Exception {
        // java.io.tmpdir of both JVMs (the command and the serving child) in a directory of this test:
        // whatever temporary file a mount makes shows there.
        return Map.of("XDG_STATE_HOME", dir.resolve("state").toString(),
                "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
    }

    private Mounted.Result nvmfs(String... args) throws Exception {
        Mounted.Result r = Mounted.launcher(env(), args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err() + r.out());
        return r;
    }

    private static long servingPid(Path image) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("mount " + image + " ")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("-f")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElseThrow();
    }

    private static List<String> lines(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        for (String l : lines) {
            assertTrue(LINE.matcher(l).matches(), "one event per line, one format: '" + l + "' in " + lines);
        }
        return lines;
    }

    private static long count(List<String> lines, String part) {
        return lines.stream().filter(l -> l.contains(part)).count();
    }

    @Test
    void oneLogPerNamespaceAppendedAcrossMountsNamedByVerbose() throws Exception {
        Path image = Files.createDirectories(dir.resolve("a")).resolve("fs.img");
        Path other = Files.createDirectories(dir.resolve("b")).resolve("fs.img");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        nvmfs("mkfs", "-q", "--size", "64M", image.toString());
        nvmfs("mkfs", "-q", "--size", "64M", other.toString());

        Mounted.Result mounted = nvmfs("mount", "-v", image.toString(), mnt.toString());
        Matcher named = Pattern.compile("log (\\S+)\\)").matcher(mounted.out());
        assertTrue(named.find(), "-v names the log: " + mounted.out());
        Path log = Path.of(named.group(1));
        assertEquals(dir.resolve("state/nvmfs"), log.getParent(), "under $XDG_STATE_HOME/nvmfs");
        assertTrue(log.getFileName().toString().matches("fs\\.img-[0-9a-f]{8}\\.log"), log.toString());
        Mounted.run(List.of("bash", "-c", "head -c 100000 /dev/urandom > '" + mnt + "/f' && sync '" + mnt + "/f'"));
        nvmfs("umount", mnt.toString());

        nvmfs("mount", other.toString(), mnt.toString());
        nvmfs("umount", mnt.toString());
        try (Stream<Path> logs = Files.list(log.getParent())) {
            List<Path> all = logs.sorted().toList();
            assertEquals(2, all.size(), "two images named fs.img, two logs: " + all);
            assertNotEquals(all.get(0).getFileName(), all.get(1).getFileName());
        }

        // kill -9, then the remount's replay report; then SIGTERM.
        nvmfs("mount", image.toString(), mnt.toString());
        Mounted.run(List.of("bash", "-c", "mkdir '" + mnt + "/d' && touch '" + mnt + "/d/x'"));
        ProcessHandle killed = ProcessHandle.of(servingPid(image)).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get(60, TimeUnit.SECONDS);
        Mounted.run(List.of("fusermount", "-u", mnt.toString()));
        nvmfs("mount", image.toString(), mnt.toString());
        ProcessHandle termed = ProcessHandle.of(servingPid(image)).orElseThrow();
        termed.destroy();
        termed.onExit().get(60, TimeUnit.SECONDS);

        List<String> lines = lines(log);
        assertEquals(3, count(lines, "INFO mounted " + image + " on " + mnt), "appended across mounts: " + lines);
        assertEquals(2, count(lines, "INFO unmounted " + image + " from " + mnt + ": persisted, marked clean"), lines.toString());
        assertEquals(1, count(lines, "INFO " + image + ": replayed "), "the replay report after kill -9: " + lines);
        assertEquals(1, count(lines, "INFO received SIGTERM: unmounting " + mnt), lines.toString());
        assertTrue(lines.getLast().contains("INFO unmounted"), "the unmount after SIGTERM is the last event: " + lines);
        assertEquals(0, count(lines, " DEBUG "), "no request lines without -o debug: " + lines);
        assertEquals(1, count(lines(dir.resolve("state/nvmfs").resolve(MountLog.name(other) + ".log")), "INFO mounted "));
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "no temporary log files");
        }
    }

    @Test
    void aFailedMountIsLoggedAndShown() throws Exception {
        Path image = dir.resolve("fs.img");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Path second = Files.createDirectories(dir.resolve("second"));
        nvmfs("mkfs", "-q", "--size", "64M", image.toString());
        nvmfs("mount", image.toString(), mnt.toString());
        try {
            Mounted.Result r = Mounted.launcher(env(), "mount", image.toString(), second.toString());
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("nvmfs: namespace " + image + " is in use by another mount"), "shown: " + r.err());
            List<String> lines = lines(MountLog.path(image, env(), "/nonexistent", true));
            assertEquals(1, count(lines, "ERROR cannot mount " + image + " on " + second + ": namespace " + image + " is in use"),
                    "and logged: " + lines);
        } finally {
            nvmfs("umount", mnt.toString());
        }
    }

    /**
     * A mount refused by the command's own checks, before any serving JVM starts: exit 1, one line
     * on stderr, and the same error as one ERROR line in the namespace's log (they were only
     * printed). Returns that log's lines.
     */
    private List<String> assertRefusedAndLogged(Mounted.Result r, Path image, Path mp, String says) throws Exception {
        assertEquals(1, r.exit(), r.err() + r.out());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("nvmfs: ") && r.err().contains(says), r.err());
        String error = r.err().strip().substring("nvmfs: ".length());
        List<String> lines = lines(MountLog.path(image, env(), "/nonexistent", true));
        assertEquals(1, count(lines, " ERROR cannot mount " + image + " on " + mp + ": " + error),
                "logged as shown, once: " + lines);
        return lines;
    }

    @Test
    void errorsBeforeTheServingProcessStartsAreLoggedToo() throws Exception {
        Path image = dir.resolve("fs.img");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        nvmfs("mkfs", "-q", "--size", "64M", image.toString());
        // No JAVA_TOOL_OPTIONS here: the JVM announces it on stderr, and each refusal is one line there.
        Map<String, String> env = Map.of("XDG_STATE_HOME", dir.resolve("state").toString(),
                "XDG_DATA_HOME", dir.resolve("data").toString());

        assertRefusedAndLogged(Mounted.launcher(env, "mount", image.toString(), mnt.toString(), "-o", "noatime,bogus"),
                image, mnt, "unknown mount option 'bogus'");
        Path nowhere = dir.resolve("nowhere");
        assertRefusedAndLogged(Mounted.launcher(env, "mount", image.toString(), nowhere.toString()), image, nowhere,
                "mount point " + nowhere + " does not exist");
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        assertRefusedAndLogged(Mounted.launcher(env, "mount", image.toString(), full.toString()), image, full,
                "mount point " + full + " is not empty");
        Path missing = dir.resolve("missing.img");
        assertRefusedAndLogged(Mounted.launcher(env, "mount", missing.toString(), mnt.toString()), missing, mnt,
                "namespace " + missing + " does not exist");
        // The default image (no NAMESPACE): its log, and still no image made for a mount refused.
        Path defaultImage = dir.resolve("data/nvmfs/default.img");
        assertRefusedAndLogged(Mounted.launcher(env, "mount", mnt.toString(), "-o", "mand"), defaultImage, mnt,
                "mount option 'mand'");
        assertFalse(Files.exists(defaultImage), "no default image made");

        // /dev/fuse missing, in a private mount namespace (a /dev of its own with what the JVM needs).
        Files.createDirectories(dir.resolve("realdev"));
        String script = "set -e; mount --bind /dev '" + dir.resolve("realdev") + "' && mount -t tmpfs -o mode=755 tmpfs /dev"
                + " && for n in null zero full random urandom; do : > /dev/$n && mount --bind '" + dir.resolve("realdev")
                + "'/$n /dev/$n; done && exec '" + Mounted.checkout().resolve("bin/nvmfs") + "' mount '" + image + "' '" + mnt + "'";
        List<String> lines = assertRefusedAndLogged(Mounted.run(List.of("unshare", "--mount", "--propagation", "private", "bash",
                "-c", script), env), image, mnt, "/dev/fuse is missing");
        assertEquals(4, count(lines, " ERROR cannot mount "), "one line per refusal, each in its namespace's log: " + lines);

        // -f logs to stderr, where the error already is: nothing more in the file.
        Mounted.Result f = Mounted.launcher(env, "mount", "-f", image.toString(), mnt.toString(), "-o", "bogus");
        assertEquals(1, f.exit());
        assertEquals(lines, lines(MountLog.path(image, env(), "/nonexistent", true)), "-f: " + f.err());
        assertTrue(!Mounts.isNvmfsMount(mnt.toAbsolutePath()), "nothing got mounted");
    }

    /** A DEBUG line per request: opcode, node, errno or OK, microseconds. */
    static final Pattern REQUEST = Pattern.compile(".* DEBUG (\\w+) node (\\d+): (OK|E[A-Z0-9]+) (\\d+) us");

    @Test
    void debugLogsEveryRequestWithItsAnswer() throws Exception {
        Path image = dir.resolve("fs.img");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        nvmfs("mkfs", "-q", "--size", "64M", image.toString());
        nvmfs("mount", image.toString(), mnt.toString(), "-o", "noatime,debug");
        Mounted.run(List.of("bash", "-c", "echo x > '" + mnt + "/f'; cat '" + mnt + "/f'; stat '" + mnt + "/missing'; true"));
        nvmfs("umount", mnt.toString());
        List<String> lines = lines(MountLog.path(image, env(), "/nonexistent", true));
        List<Matcher> requests = lines.stream().map(REQUEST::matcher).filter(Matcher::matches).toList();
        assertTrue(requests.stream().anyMatch(m -> m.group(1).equals("lookup") && m.group(2).equals("1") && m.group(3).equals("ENOENT")),
                "the failed lookup of 'missing' in the root (node 1): " + lines);
        assertTrue(requests.stream().anyMatch(m -> m.group(1).equals("create") && m.group(3).equals("OK")), lines.toString());
        assertTrue(requests.stream().anyMatch(m -> m.group(1).equals("write") && !m.group(2).equals("1") && m.group(3).equals("OK")),
                "the write, on the file's node: " + lines);
        assertTrue(requests.stream().anyMatch(m -> m.group(1).equals("read") && m.group(3).equals("OK")), lines.toString());
        Mounted.Result help = Mounted.launcher(env(), "mount", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("debug (log every FUSE request: opcode, node, errno or OK, microseconds;"),
                "documented in --help: " + help.out());
    }

    @Test
    void foregroundLogsToStderr() throws Exception {
        Path image = dir.resolve("fs.img");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        nvmfs("mkfs", "-q", "--size", "64M", image.toString());
        Path err = dir.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(Mounted.checkout().resolve("bin/nvmfs").toString(), "mount", "-f",
                image.toString(), mnt.toString(), "-o", "debug").redirectError(err.toFile()).redirectOutput(dir.resolve("stdout").toFile());
        pb.environment().putAll(env());
        Process p = pb.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.readString(err).contains("INFO mounted ") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Mounted.run(List.of("stat", mnt.resolve("missing").toString()));
        nvmfs("umount", mnt.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
        for (String l : lines) {
            assertTrue(LINE.matcher(l).matches(), "'" + l + "' in " + lines);
        }
        assertEquals(1, count(lines, "INFO mounted " + image + " on " + mnt), lines.toString());
        assertEquals(1, count(lines, "INFO unmounted " + image), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> REQUEST.matcher(l).matches() && l.contains(" DEBUG lookup node 1: ENOENT ")),
                "-o debug with -f: the requests on stderr: " + lines);
        assertFalse(Files.exists(dir.resolve("state")), "-f writes no log file");
    }
}
