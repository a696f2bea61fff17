package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Build-time generator (run by the build in prepare-package; see fuse-mount/pom.xml): writes the
 * man pages {@code man/nvmfs.1}, {@code man/nvmfs-mkfs.1}, ... ({@link ManPage}) and the bash
 * completion {@code completion/nvmfs} (picocli's {@link AutoComplete}) under the directory given,
 * from the same picocli model the command parses with. {@code bin/install} installs them.
 */
public final class Docs {
    /** Pages outside nvmfs each command's page refers to. */
    private static final Map<String, List<String>> SEE_ALSO = Map.of(
            "nvmfs-mkfs", List.of("mkfs(8)"),
            "nvmfs-mount", List.of("mount(8)", "fstab(5)", "fusermount(1)"),
            "nvmfs-umount", List.of("umount(8)", "fusermount(1)"),
            "nvmfs-fsck", List.of("fsck(8)", "e2fsck(8)"));

    /** What nvmfs(1) says beyond its commands: the environment it reads and the files it makes. */
    private static final String TOP_EXTRA = """
            .SH ENVIRONMENT
            .TP
            \\fBXDG_DATA_HOME\\fR, \\fBHOME\\fR
            Where the default image lives: \\fI$XDG_DATA_HOME/nvmfs/default.img\\fR, else \\fI$HOME/.local/share/nvmfs/default.img\\fR.
            .TP
            \\fBNVMFS_JAVA_OPTS\\fR
            More JVM options (whitespace\\-separated, e.g. \\-Xmx256m), for the command and for the JVM that serves a mount.
            .SH FILES
            .TP
            \\fI$XDG_DATA_HOME/nvmfs/default.img\\fR
            The default image: made sparse (4 GiB, mode 0600) by the first \\fBnvmfs mount\\fR \\fIMOUNTPOINT\\fR.
            """;

    private Docs() {}

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        CommandLine cl = new CommandLine(new Main());
        Path man = Files.createDirectories(target.resolve("man"));
        CommandSpec top = cl.getCommandSpec();
        List<CommandSpec> subs = ManPage.subcommands(top);
        List<String> all = new ArrayList<>();
        subs.forEach(s -> all.add(ManPage.pageName(s) + "(1)"));
        Files.writeString(man.resolve("nvmfs.1"), ManPage.of(top, TOP_EXTRA, all));
        for (CommandSpec sub : subs) {
            String name = ManPage.pageName(sub);
            List<String> seeAlso = new ArrayList<>(List.of("nvmfs(1)"));
            seeAlso.addAll(SEE_ALSO.getOrDefault(name, List.of()));
            Files.writeString(man.resolve(name + ".1"), ManPage.of(sub, "", seeAlso));
        }
        Path completion = Files.createDirectories(target.resolve("completion"));
        Files.writeString(completion.resolve("nvmfs"), AutoComplete.bash("nvmfs", cl));
    }
}
