package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nvmfs fsck as users of e2fsck expect it, through the real launcher (bin/nvmfs): -p prints only
 * problems and the summary; progress is drawn on stderr only when stderr is a terminal (it
 * followed System.console(), which answers for stdin and stdout, so a redirected stderr got the
 * carriage-return lines), on every long pass (4 and 5 only, before); -C FD writes e2fsck's
 * machine lines; an image that is not nvmfs gets its error on stderr; -n on a mounted namespace
 * warns once that it is mounted and does not report its live journal (JR04, "left by an
 * unclean detach", before).
 */
class FsckConventionsIT {
    private static final Pattern PROBLEM = Pattern.compile("[A-Z]{2}[0-9]{2} .*\\? (yes|no)( \\(.*\\))?");

    @TempDir
    Path dir;

    private Path catalogueImage(String name) throws Exception {
        Path img = dir.resolve(name + ".img");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Mounted.checkout().resolve("test-images/catalogue").resolve(name).resolve("image.gz")))) {
            Files.copy(in, img);
        }
        return img;
    }

    private static Mounted.Result nvmfs(String... args) throws Exception {
        return Mounted.launcher(Map.of(), args);
    }

    /** Runs {@code script} in bash with the launcher as $NVMFS. */
    private static Mounted.Result bash(String script) throws Exception {
        return Mounted.run(List.of("bash", "-c", script), Map.of("NVMFS", Mounted.checkout().resolve("bin/nvmfs").toString()));
    }

    @Test
    void preenPrintsOnlyProblemsAndTheSummary() throws Exception {
        Path img = catalogueImage("f_lc01_link_count");
        Mounted.Result p = nvmfs("fsck", "-f", "-p", img.toString());
        assertEquals(1, p.exit(), p.err() + p.out());
        List<String> lines = p.out().lines().toList();
        assertTrue(lines.size() >= 2, p.out());
        for (String l : lines.subList(0, lines.size() - 1)) {
            assertTrue(PROBLEM.matcher(l).matches(), "only problem lines before the summary: '" + l + "' in\n" + p.out());
        }
        assertTrue(lines.get(lines.size() - 1).startsWith(img + ": ") && lines.get(lines.size() - 1).contains(" inodes, "),
                "the summary last: " + p.out());
        assertEquals(0, nvmfs("fsck", "-f", "-p", img.toString()).exit(), "repaired");
        assertTrue(nvmfs("fsck", "-f", "-y", img.toString()).out().contains("Pass 8: space"), "-y still prints the passes");
    }

    @Test
    void progressOnATerminalOnlyOnEveryLongPassAndAsE2fsckLinesWithDashC() throws Exception {
        Path img;
        try (Mounted m = Mounted.fresh(dir, "64M")) {
            m.shOk("seq -f f%g 4200 | xargs touch"); // > 4096 inodes: passes 4, 6 and 7 tick past their first draw
            img = m.image;
        }
        // stdin and stdout on a terminal (script(1) runs the command on a pty), stderr redirected to a file: no bar there.
        Path errFile = dir.resolve("fsck.err");
        Mounted.Result redirected = bash("script -qec \"$NVMFS fsck -f -n '" + img + "' 2>'" + errFile + "'\" /dev/null");
        assertEquals(0, redirected.exit(), redirected.out());
        String err = Files.readString(errFile);
        assertFalse(err.contains("\r") || err.contains("Pass 4"), "no progress in a redirected stderr: " + err);
        assertTrue(redirected.out().contains("Pass 8: space"), "the check ran: " + redirected.out());

        // stderr on the terminal too: the bar is drawn on every long pass.
        Mounted.Result terminal = bash("script -qec \"$NVMFS fsck -f -n '" + img + "'\" /dev/null");
        assertEquals(0, terminal.exit(), terminal.out());
        for (String pass : List.of("\rPass 4: inodes ", "\rPass 6: connectivity ", "\rPass 7: link counts ")) {
            assertTrue(terminal.out().contains(pass), "drawn: " + pass.trim() + " in " + terminal.out().replace("\r", "\\r"));
        }

        // -C 3: e2fsck's lines on descriptor 3; -C 0: on stdout.
        Path progress = dir.resolve("progress");
        Mounted.Result c3 = bash("$NVMFS fsck -f -n -C 3 '" + img + "' 3>'" + progress + "'");
        assertEquals(0, c3.exit(), c3.err() + c3.out());
        List<String> lines = Files.readAllLines(progress);
        for (String l : lines) {
            assertTrue(l.matches("[4-8] [0-9]+ [0-9]+ " + Pattern.quote(img.toString())), "PASS CURRENT MAX DEVICE: " + l);
        }
        for (int pass = 4; pass <= 8; pass++) {
            String p = Integer.toString(pass);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(p + " 0 ")), "pass " + p + " starts: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.split(" ")[0].equals(p) && l.split(" ")[1].equals(l.split(" ")[2])),
                    "pass " + p + " ends: " + lines);
        }
        assertFalse(c3.out().lines().anyMatch(l -> l.matches("[4-8] [0-9]+ [0-9]+ .*")), "-C 3 writes none on stdout");
        Mounted.Result c0 = nvmfs("fsck", "-f", "-n", "-C", "0", img.toString());
        assertEquals(0, c0.exit(), c0.err());
        assertTrue(c0.out().lines().anyMatch(l -> l.equals("8 0 " + l.split(" ")[2] + " " + img)), c0.out());
        assertEquals(8, nvmfs("fsck", "-n", "-C", "9", img.toString()).exit(), "a descriptor that is not open");
    }

    @Test
    void anImageThatIsNotNvmfsGetsItsErrorOnStderr() throws Exception {
        Path junk = dir.resolve("junk.img");
        Files.write(junk, new byte[1 << 20]);
        Mounted.Result r = nvmfs("fsck", "-n", junk.toString());
        assertEquals(8, r.exit(), r.err() + r.out());
        assertTrue(r.err().contains("not an nvmfs namespace"), "on stderr: " + r.err());
        assertFalse(r.out().contains("not an nvmfs namespace"), "not on stdout: " + r.out());
    }

    @Test
    void checkOnlyOfAMountedNamespaceWarnsOnceAndDoesNotReportItsLiveJournal() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "64M")) {
            m.shOk("for i in $(seq 50); do echo $i > f$i; done; mkdir d; sync f1"); // committed, not yet checkpointed
            Mounted.Result r = nvmfs("fsck", "-n", m.image.toString());
            assertEquals(0, r.exit(), r.err() + r.out());
            List<String> warnings = r.err().lines().toList();
            assertEquals(1, warnings.size(), "one line on stderr: " + r.err());
            assertTrue(warnings.get(0).contains("warning") && warnings.get(0).contains(m.image + " is in use by a mount"), r.err());
            assertFalse(r.out().contains("JR04") || r.out().contains("JR06") || r.out().contains("unclean detach"),
                    "the live journal is no problem: " + r.out());
            assertTrue(r.out().contains("Pass 8: space"), "and the namespace is checked: " + r.out());
        }
    }
}
