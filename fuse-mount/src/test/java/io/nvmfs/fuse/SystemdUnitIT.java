package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fuse-mount/systemd/nvmfs@.service, the answer to fstab's pass number (which fsck(8) and systemd
 * never apply to an image file): systemd-analyze verify accepts it, and its own ExecStartPre,
 * ExecStart and ExecStop lines, expanded as systemd expands them (%f, %i, ${VAR}, $$) and run by
 * a shell, check a real image, mount it with the configured options, unmount it clean, and refuse
 * to mount an image fsck cannot repair. Paths: the unit's /usr/local/bin/nvmfs becomes this
 * checkout's bin/nvmfs, /etc/nvmfs this test's directory.
 */
class SystemdUnitIT {
    @TempDir
    Path dir;

    private Path image;
    private Path mnt;
    private String unit;

    private void prepare() throws Exception {
        image = dir.resolve("data.img");
        mnt = Files.createDirectories(dir.resolve("mnt"));
        unit = Files.readString(Mounted.checkout().resolve("fuse-mount/systemd/nvmfs@.service"))
                .replace("/usr/local/bin/nvmfs", Mounted.checkout().resolve("bin/nvmfs").toString())
                .replace("/etc/nvmfs/", dir + "/");
        Files.writeString(dir.resolve(instance() + ".conf"), "MOUNTPOINT=" + mnt + "\nOPTIONS=noatime\n");
        assertEquals(0, Mounted.launcher(Map.of(), "mkfs", "-q", "--size", "64M", image.toString()).exit());
    }

    /** systemd-escape --path: the instance name for the image. */
    private String instance() throws Exception {
        Mounted.Result r = Mounted.run(List.of("systemd-escape", "--path", image.toString()));
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }

    /** The unit's {@code key=} line, expanded as systemd would for this instance and configuration. */
    private String command(String key) throws Exception {
        String line = unit.lines().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow().substring(key.length() + 1);
        Map<String, String> vars = Map.of("MOUNTPOINT", mnt.toString(), "OPTIONS", "noatime");
        for (Map.Entry<String, String> v : vars.entrySet()) {
            line = line.replace("${" + v.getKey() + "}", v.getValue());
        }
        return line.replace("%f", image.toString()).replace("%i", instance()).replace("$$", "$");
    }

    private Mounted.Result sh(String key) throws Exception {
        return Mounted.run(List.of("sh", "-c", command(key)));
    }

    @Test
    void systemdAnalyzeVerifiesIt() throws Exception {
        prepare();
        Path units = Files.createDirectories(dir.resolve("units"));
        Files.writeString(units.resolve("nvmfs@.service"), unit);
        Path instanceUnit = units.resolve("nvmfs@" + instance() + ".service");
        Files.createSymbolicLink(instanceUnit, units.resolve("nvmfs@.service"));
        // The unit's Documentation= pages are checked with man(1): point it at this build's pages,
        // so the check holds whatever is (or is not) installed on the machine.
        Path man1 = Files.createDirectories(dir.resolve("man/man1"));
        try (var pages = Files.list(Mounted.checkout().resolve("fuse-mount/target/man"))) {
            for (Path page : pages.toList()) {
                Files.createSymbolicLink(man1.resolve(page.getFileName()), page);
            }
        }
        Mounted.Result r = Mounted.run(List.of("systemd-analyze", "verify", instanceUnit.toString()),
                Map.of("MANPATH", dir.resolve("man").toString()));
        assertEquals(0, r.exit(), r.err() + r.out());
        assertEquals("", r.err().strip() + r.out().strip(), "no warning either");
    }

    @Test
    void itsCommandsCheckMountAndUnmountARealImage() throws Exception {
        prepare();
        Mounted.Result pre = sh("ExecStartPre");
        assertEquals(0, pre.exit(), "a clean image passes the check: " + pre.err() + pre.out());

        Process start = new ProcessBuilder("sh", "-c", command("ExecStart")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("journal").toFile()).start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Mounts.isNvmfsMount(mnt) && start.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Mounts.isNvmfsMount(mnt), "ExecStart mounts: " + Files.readString(dir.resolve("journal")));
        assertTrue(Mounts.optionsAt(mnt).mount().contains("noatime"), "with the configured OPTIONS");
        Mounted.run(List.of("sh", "-c", "echo kept > '" + mnt + "/f'"));

        Mounted.Result stop = sh("ExecStop");
        assertEquals(0, stop.exit(), stop.err());
        assertTrue(start.waitFor(60, TimeUnit.SECONDS), "the main process ends with the unmount");
        assertEquals(0, start.exitValue(), Files.readString(dir.resolve("journal")));
        assertTrue(Files.readString(dir.resolve("journal")).contains(" INFO unmounted " + image),
                "the foreground mount logs to stderr, the journal: " + Files.readString(dir.resolve("journal")));
        Mounted.Result info = Mounted.launcher(Map.of(), "info", "--json", image.toString());
        assertTrue(info.out().contains("\"state\":\"clean\""), info.out());

        // An image fsck cannot repair (both superblocks gone) stops the unit before the mount.
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.write(new byte[1 << 16]);
            f.seek(f.length() - (1 << 16));
            f.write(new byte[1 << 16]);
        }
        Mounted.Result refused = sh("ExecStartPre");
        assertNotEquals(0, refused.exit(), "an uncorrectable image fails ExecStartPre: " + refused.err() + refused.out());
    }
}
