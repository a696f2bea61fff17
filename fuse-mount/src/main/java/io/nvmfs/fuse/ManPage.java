package io.nvmfs.fuse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One man page (man(7) macros, roff) for one command, written from its picocli model: the same
 * names, options, descriptions and footer that {@code --help} prints, so the page cannot drift
 * from the command.
 *
 * <p>Why not picocli-codegen's ManPageGenerator: it writes AsciiDoc, which needs Asciidoctor to
 * become a man page; AsciidoctorJ (JRuby, 28 MB of dependencies) took 23 s to convert these pages
 * on this machine, on every build of the module. Roff is a small language: every text line is
 * escaped ({@code \} → {@code \e}, {@code -} → {@code \-}, a leading {@code .} or {@code '} made
 * text with {@code \&}), so nothing from a description can become a request.
 */
final class ManPage {
    private final StringBuilder b = new StringBuilder();

    private ManPage() {}

    /**
     * The page of {@code spec}, named {@code nvmfs} or {@code nvmfs-SUB}, section 1.
     *
     * @param extra  sections after the generated ones, already in roff (may be empty)
     * @param seeAlso pages to refer to, as "name(section)"
     */
    static String of(CommandSpec spec, String extra, List<String> seeAlso) {
        return new ManPage().write(spec, extra, seeAlso);
    }

    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private String write(CommandSpec spec, String extra, List<String> seeAlso) {
        String name = pageName(spec);
        String version = spec.version().length > 0 ? spec.version()[0] : "";
        b.append(".TH ").append(quoted(name.toUpperCase())).append(" 1 \"\" ").append(quoted(version))
                .append(" \"nvmfs manual\"\n");
        b.append(".SH NAME\n");
        String[] description = spec.usageMessage().description();
        text(name + " - " + firstSentence(String.join(" ", description)));
        synopsis(spec);
        b.append(".SH DESCRIPTION\n");
        text(String.join(" ", description));
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                b.append(".TP\n");
                String names = Arrays.stream(o.names()).map(n -> "\\fB" + esc(n) + "\\fR").collect(Collectors.joining(", "));
                b.append(line(names + (o.arity().max() > 0 ? " \\fI" + esc(o.paramLabel()) + "\\fR" : ""))).append('\n');
                paragraphs(o.description());
            }
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                b.append(".TP\n").append(line("\\fI" + esc(p.paramLabel()) + "\\fR")).append('\n');
                paragraphs(p.description());
            }
        }
        List<CommandSpec> subs = subcommands(spec);
        if (!subs.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (CommandSpec sub : subs) {
                b.append(".TP\n").append(line("\\fB" + esc(sub.name()) + "\\fR")).append('\n');
                text(String.join(" ", sub.usageMessage().description()));
                b.append(line("See \\fB" + esc(pageName(sub)) + "\\fR(1).")).append('\n');
            }
        }
        String footer = Arrays.stream(spec.usageMessage().footer()).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.joining(" "));
        if (!footer.isEmpty()) {
            b.append(footer.startsWith("Exit codes") ? ".SH \"EXIT STATUS\"\n" : ".SH NOTES\n");
            text(footer);
        }
        b.append(extra);
        if (!seeAlso.isEmpty()) {
            b.append(".SH \"SEE ALSO\"\n");
            List<String> refs = new ArrayList<>();
            for (String ref : seeAlso) {
                int paren = ref.indexOf('(');
                refs.add("\\fB" + esc(ref.substring(0, paren)) + "\\fR" + esc(ref.substring(paren)));
            }
            b.append(line(String.join(", ", refs))).append('\n');
        }
        return b.toString();
    }

    /** The subcommands a page lists: not hidden, and not picocli's own help command. */
    static List<CommandSpec> subcommands(CommandSpec spec) {
        return spec.subcommands().values().stream().map(CommandLine::getCommandSpec)
                .filter(s -> !s.usageMessage().hidden() && !(s.userObject() instanceof CommandLine.HelpCommand))
                .distinct().toList();
    }

    /** picocli's synopsis without its wrapping: roff fills the line itself. */
    private void synopsis(CommandSpec spec) {
        String plain = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .synopsis(0).replaceAll("\\s+", " ").trim();
        String command = spec.qualifiedName(" ");
        b.append(".SH SYNOPSIS\n.ad l\n");
        b.append(line("\\fB" + esc(command) + "\\fR" + esc(plain.substring(Math.min(plain.length(), command.length()))))).append('\n');
        b.append(".ad\n");
    }

    /** Description elements: each is a line in --help; here each is filled and set off by a break. */
    private void paragraphs(String[] lines) {
        boolean first = true;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            if (!first) {
                b.append(".br\n");
            }
            text(l.trim());
            first = false;
        }
    }

    private void text(String s) {
        b.append(line(esc(s))).append('\n');
    }

    private static String firstSentence(String s) {
        int dot = s.indexOf(". ");
        return dot < 0 ? (s.endsWith(".") ? s.substring(0, s.length() - 1) : s) : s.substring(0, dot);
    }

    /** Escapes text for roff: backslash, minus (so options copy as ASCII hyphens). */
    static String esc(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    /** A text line that roff will not take for a request. */
    private static String line(String escaped) {
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    private static String quoted(String s) {
        return "\"" + esc(s).replace("\"", "\\(dq") + "\"";
    }
}
