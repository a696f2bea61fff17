package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build makes a man page for nvmfs and each subcommand and a bash completion, from the
 * command's picocli model (Docs, in prepare-package), and bin/install installs them under its
 * PREFIX: the pages render without a groff warning and document every option the command's own
 * --help lists; the completion completes subcommands and options in bash; man finds the
 * installed pages.
 */
class DocsIT {
    private static final List<String> COMMANDS = List.of("mkfs", "mount", "umount", "info", "stats", "fsck");
    private static final Path TARGET = Mounted.checkout().resolve("fuse-mount/target");

    @TempDir
    Path dir;

    @Test
    void everyCommandHasAManPageThatRendersAndListsItsOptions() throws Exception {
        for (String sub : COMMANDS) {
            Path page = TARGET.resolve("man/nvmfs-" + sub + ".1");
            assertTrue(Files.isRegularFile(page), page + " is made by the build");
            Mounted.Result check = Mounted.run(List.of("groff", "-man", "-ww", "-z", page.toString()));
            assertEquals("", check.err(), page + ": groff warnings");
            String text = render(page);
            assertTrue(text.contains("nvmfs " + sub), page + " names its command: " + text);
            for (String option : optionsOf(Mounted.launcher(Map.of(), sub, "--help").out())) {
                assertTrue(text.contains(option), "nvmfs-" + sub + "(1) documents " + option + ":\n" + text);
            }
        }
        String top = render(TARGET.resolve("man/nvmfs.1"));
        for (String sub : COMMANDS) {
            assertTrue(top.contains("nvmfs-" + sub + "(1)"), "nvmfs(1) refers to nvmfs-" + sub + "(1)");
        }
        assertTrue(top.contains("XDG_DATA_HOME") && top.contains("EXIT STATUS"), top);
    }

    @Test
    void theBashCompletionCompletesCommandsAndOptions() throws Exception {
        Path completion = TARGET.resolve("completion/nvmfs");
        assertTrue(Files.isRegularFile(completion), completion + " is made by the build");
        assertEquals("mkfs", complete(completion, "nvmfs", "mk"));
        assertEquals("--dry-run", complete(completion, "nvmfs", "mkfs", "--dr"));
        assertEquals("--journal-size", complete(completion, "nvmfs", "mkfs", "--jo"));
        assertEquals("--json", complete(completion, "nvmfs", "fsck", "--js"));
    }

    @Test
    void binInstallPutsThePagesAndTheCompletionUnderItsPrefix() throws Exception {
        Path prefix = dir.resolve("prefix");
        Mounted.Result install = Mounted.run(List.of(Mounted.checkout().resolve("bin/install").toString(), prefix.toString()));
        assertEquals(0, install.exit(), install.err() + install.out());
        for (String sub : COMMANDS) {
            assertTrue(Files.isReadable(prefix.resolve("share/man/man1/nvmfs-" + sub + ".1")), "installed: nvmfs-" + sub + ".1");
        }
        Mounted.Result man = Mounted.run(List.of("man", "-M", prefix.resolve("share/man").toString(), "nvmfs-fsck"),
                Map.of("MANPAGER", "cat", "MANWIDTH", "100"));
        assertEquals(0, man.exit(), man.err());
        assertTrue(man.out().contains("nvmfs fsck") && man.out().contains("EXIT STATUS"), man.out());
        Path completion = prefix.resolve("share/bash-completion/completions/nvmfs");
        assertEquals("mkfs", complete(completion, "nvmfs", "mk"), "the installed completion works");
        assertEquals(0, Mounted.run(List.of(prefix.resolve("bin/nvmfs").toString(), "--version")).exit());
    }

    private static String render(Path page) throws Exception {
        Mounted.Result r = Mounted.run(List.of("man", "-l", page.toString()), Map.of("MANPAGER", "cat", "MANWIDTH", "100"));
        assertEquals(0, r.exit(), page + ": " + r.err());
        return r.out();
    }

    /** Every option name --help shows: -x and --long words at the start of an option line. */
    private static Set<String> optionsOf(String help) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+((?:-[A-Za-z]|--[a-z][a-z-]*)(?:, (?:-[A-Za-z]|--[a-z][a-z-]*))*)").matcher(help);
        while (m.find()) {
            for (String n : m.group(1).split(", ")) {
                names.add(n);
            }
        }
        assertTrue(names.contains("--help") && names.size() > 2, "options found in --help: " + names + "\n" + help);
        return names;
    }

    /** What bash offers for the last word, with the completion script sourced, as on a prompt. */
    private static String complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String bash = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_nvmfs 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Mounted.Result r = Mounted.run(List.of("bash", "-c", bash));
        assertEquals(0, r.exit(), r.err());
        return r.out().trim();
    }
}
