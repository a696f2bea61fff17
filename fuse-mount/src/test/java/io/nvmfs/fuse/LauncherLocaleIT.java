package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher (bin/nvmfs) with an empty environment ({@code env -i}: the C locale, whose
 * charset is ASCII): mkfs, mount and umount of a namespace and a mount point whose paths are
 * UTF-8. Java refused such paths before ("Malformed input or input contains unmappable
 * characters"), exit 2.
 */
class LauncherLocaleIT {
    @TempDir
    Path dir;

    private static int run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return p.exitValue();
    }

    @Test
    void utf8PathsWorkInTheCLocale() throws Exception {
        Path repo = Path.of(System.getProperty("nvmfs.jar")).toAbsolutePath().getParent().getParent().getParent();
        String nvmfs = repo.resolve("bin/nvmfs").toString();
        Path image = dir.resolve("zé.img");
        Path mnt = dir.resolve("mnt-ü");
        Files.createDirectories(mnt);
        assertEquals(0, run(List.of(nvmfs, "mkfs", "--size", "64M", image.toString())), "mkfs");
        assertEquals(0, run(List.of(nvmfs, "mount", image.toString(), mnt.toString())), "mount");
        try {
            Files.writeString(mnt.resolve("ö"), "x");
            assertEquals("x", Files.readString(mnt.resolve("ö")));
        } finally {
            assertEquals(0, run(List.of(nvmfs, "umount", mnt.toString())), "umount");
        }
    }
}
