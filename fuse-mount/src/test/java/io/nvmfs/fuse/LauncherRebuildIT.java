package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the real launcher (bin/nvmfs) rebuilds the jar: run by its own path in a checkout, when a
 * source is newer than the jar; run through a link, as bin/install installs it, only when the jar
 * is missing (the source check is skipped). On a copy of the checkout's layout (the launcher, its
 * JDK lookup, the built jar, a source newer than it) with a stand-in mvn on PATH that records its
 * arguments and puts the jar in place, so no real build runs and this checkout is not touched.
 */
class LauncherRebuildIT {
    @TempDir
    Path dir;

    @Test
    void aCheckoutRebuildsStaleSourcesAnInstalledLinkOnlyAMissingJar() throws Exception {
        Path checkout = Mounted.checkout();
        Path copy = dir.resolve("checkout");
        Path jar = Files.createDirectories(copy.resolve("fuse-mount/target")).resolve("nvmfs.jar");
        Files.createDirectories(copy.resolve("bin"));
        for (String tool : List.of("bin/nvmfs", "bin/java-home")) {
            Files.copy(checkout.resolve(tool), copy.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path built = Path.of(System.getProperty("nvmfs.jar"));
        Files.copy(built, jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        for (String module : List.of("nvmpg", "fs-core", "fsck", "fuse-mount")) {
            Files.createDirectories(copy.resolve(module + "/src/main"));
            Files.writeString(copy.resolve(module + "/pom.xml"), "<project/>\n");
            Files.setLastModifiedTime(copy.resolve(module + "/pom.xml"), FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        }
        Files.writeString(copy.resolve("pom.xml"), "<project/>\n");
        Files.setLastModifiedTime(copy.resolve("pom.xml"), FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Files.writeString(copy.resolve("fs-core/src/main/Edited.java"), "// newer than the jar\n");

        Path calls = dir.resolve("mvn-calls");
        Path fakeBin = Files.createDirectories(dir.resolve("fakebin"));
        Path mvn = Files.writeString(fakeBin.resolve("mvn"), "#!/bin/sh\necho \"$(pwd) $*\" >> '" + calls + "'\ncp '" + built + "' '"
                + jar + "'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path prefix = Files.createDirectories(dir.resolve("prefix/bin"));
        Files.createSymbolicLink(prefix.resolve("nvmfs"), copy.resolve("bin/nvmfs"));
        Files.createSymbolicLink(prefix.resolve("fsck.nvmfs"), copy.resolve("bin/nvmfs"));
        Map<String, String> env = Map.of("PATH", fakeBin + ":" + System.getenv("PATH"));

        // Installed: a source newer than the jar, and no build.
        Mounted.Result installed = Mounted.run(List.of(prefix.resolve("nvmfs").toString(), "--version"), env);
        assertEquals(0, installed.exit(), installed.err());
        assertEquals("nvmfs 0.1.0\n", installed.out());
        assertEquals("", installed.err(), "no build through the link");
        Mounted.Result fsck = Mounted.run(List.of(prefix.resolve("fsck.nvmfs").toString(), "--version"), env);
        assertEquals("nvmfs 0.1.0\n", fsck.out(), fsck.err());
        assertFalse(Files.exists(calls), "the installed command never looked at the sources");

        // The checkout's own bin/nvmfs: the stale jar is rebuilt (package: nothing goes to ~/.m2).
        Mounted.Result own = Mounted.run(List.of(copy.resolve("bin/nvmfs").toString(), "--version"), env);
        assertEquals(0, own.exit(), own.err());
        assertEquals("nvmfs 0.1.0\n", own.out());
        assertEquals("nvmfs: building " + jar + " (once)\n", own.err());
        assertEquals(List.of(copy + " -B -q -ntp -DskipTests -pl fuse-mount -am package"), Files.readAllLines(calls));
        Mounted.Result again = Mounted.run(List.of(copy.resolve("bin/nvmfs").toString(), "--version"), env);
        assertEquals("", again.err(), "fresh now: no second build");
        assertEquals(1, Files.readAllLines(calls).size());

        // Installed, with the jar missing: built.
        Files.delete(jar);
        Mounted.Result missing = Mounted.run(List.of(prefix.resolve("nvmfs").toString(), "--version"), env);
        assertEquals("nvmfs 0.1.0\n", missing.out(), missing.err());
        assertTrue(missing.err().startsWith("nvmfs: building " + jar), missing.err());
        assertEquals(2, Files.readAllLines(calls).size());
    }
}
