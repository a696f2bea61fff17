package io.nvmfs.fsck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Says each problem once, in the one stable line format, decides whether its repair is applied
 * (from the {@link RepairMode}), and keeps the tally the exit code comes from.
 *
 * <p>Line format: {@code CODE subject: what (detail). Fix? yes|no}. With {@code --json} the
 * lines are not printed; {@link #json} gives the same findings as one document. In preen mode
 * ({@code -p}) only the problems and the summary are printed, as e2fsck -p prints them: no pass
 * headers ({@link #pass}) and no notes ({@link #note}).
 *
 * <p>A namespace in use by a mount (checked with {@code -n}, {@link #mounted}) has a live journal:
 * committed transactions not yet checkpointed and a record being written are its normal state, so
 * JR04 and JR06 are not reported at all, and the other findings a crash would leave are reported
 * as the mount's, not a crash's.
 */
final class Report {
    /** Thrown in preen mode at the first problem whose repair is not safe; fsck then stops. */
    static final class PreenStop extends RuntimeException {
        PreenStop() {
            super(null, null, false, false);
        }
    }

    record Finding(Problem problem, String subject, String detail, boolean fixed) {}

    private final RepairMode mode;
    private final PrintStream out;
    private final boolean printLines;
    private final BufferedReader terminal;
    private final List<Finding> findings = new ArrayList<>();
    private boolean yesToAll;
    private int fixed;
    private int unfixed;
    private boolean uncleanDetach;
    private boolean mounted;
    private int residue;
    private Runnable beforeLine = () -> {};

    Report(RepairMode mode, PrintStream out, boolean printLines, BufferedReader terminal) {
        this.mode = mode;
        this.out = out;
        this.printLines = printLines;
        this.terminal = terminal;
    }

    /**
     * A repair the user accepted could not be carried out (no inode or page left for it): says
     * so, and counts the problem as left uncorrected, so the exit code does not claim it fixed.
     */
    void failed(String subject, String why) {
        say("  " + subject + ": the repair could not be made (" + why + ")");
        for (int i = findings.size() - 1; i >= 0; i--) {
            Finding f = findings.get(i);
            if (f.subject().equals(subject) && f.fixed()) {
                findings.set(i, new Finding(f.problem(), f.subject(), f.detail(), false));
                break;
            }
        }
        fixed--;
        unfixed++;
    }

    /**
     * Reports one problem and answers whether to repair it. The caller repairs only on true,
     * and must leave the namespace unchanged on false.
     */
    boolean problem(Problem p, String subject, String detail) {
        String line = p.name() + " " + subject + ": " + p.what() + (detail == null ? "" : " (" + detail + ")")
                + ". " + capitalise(p.fix()) + "?";
        if (mode == RepairMode.NO && mounted && (p == Problem.JR04 || p == Problem.JR06)) {
            return false; // the mount's live journal, not a finding
        }
        if (mode == RepairMode.NO && uncleanDetach && p.crashResidue()) {
            // What a crash leaves and the next attach repairs: not counted as left uncorrected.
            say(line + (mounted ? " no (the namespace is in use by a mount)" : " no (left by an unclean detach; the next mount does this)"));
            findings.add(new Finding(p, subject, detail, false));
            residue++;
            return false;
        }
        boolean fix = switch (mode) {
            case NO -> false;
            case YES -> true;
            case PREEN -> p.preenSafe();
            case ASK -> ask(line);
        };
        if (mode != RepairMode.ASK) {
            say(line + (fix ? " yes" : " no"));
        }
        findings.add(new Finding(p, subject, detail, fix));
        if (fix) {
            fixed++;
        } else {
            unfixed++;
        }
        if (mode == RepairMode.PREEN && !fix) {
            say("UNEXPECTED INCONSISTENCY; run fsck.nvmfs manually (without -p).");
            throw new PreenStop();
        }
        return fix;
    }

    /** A pass header ("Pass 4: inodes and extent maps"): not printed under -p. */
    void pass(String header) {
        if (mode != RepairMode.PREEN) {
            say(header);
        }
    }

    /** A line that explains (why the check is full, what the residue is, that the namespace changed): not under -p. */
    void note(String line) {
        if (mode != RepairMode.PREEN) {
            say(line);
        }
    }

    /** A line every mode prints: a problem, the summary, the preen stop. */
    void say(String line) {
        if (printLines) {
            beforeLine.run();
            out.println(line);
        }
    }

    /** Runs before each printed line: takes a progress bar off a terminal the line shares. */
    void beforeLine(Runnable r) {
        this.beforeLine = r;
    }

    private boolean ask(String line) {
        beforeLine.run();
        if (yesToAll) {
            out.println(line + " yes");
            return true;
        }
        while (true) {
            out.print(line + " [y/n/a] ");
            out.flush();
            String answer;
            try {
                answer = terminal == null ? null : terminal.readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null) {
                out.println("no");
                return false;
            }
            switch (answer.trim().toLowerCase()) {
                case "y", "yes" -> {
                    return true;
                }
                case "n", "no" -> {
                    return false;
                }
                case "a", "all" -> {
                    yesToAll = true;
                    return true;
                }
                default -> out.println("answer y (yes), n (no) or a (yes to all)");
            }
        }
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * The namespace was not detached cleanly: under {@code -n}, {@link Problem#crashResidue} findings
     * are reported as recovery the next mount performs, and do not make the check fail.
     */
    void uncleanDetach(boolean unclean) {
        this.uncleanDetach = unclean;
    }

    /** The namespace is in use by a mount (checked read-only, {@code -n}): its journal is live. */
    void mounted(boolean inUse) {
        this.mounted = inUse;
    }

    boolean mounted() {
        return mounted;
    }

    /** Crash-residue findings reported (and left to the next mount) under {@code -n}. */
    int residue() {
        return residue;
    }

    int fixed() {
        return fixed;
    }

    int unfixed() {
        return unfixed;
    }

    List<Finding> findings() {
        return findings;
    }

    /** The findings and the outcome as one JSON document. */
    String json(String namespace, int exitCode, String summary) {
        List<String> problems = new ArrayList<>();
        for (Finding f : findings) {
            problems.add(Json.object()
                    .put("code", f.problem().name())
                    .put("subject", f.subject())
                    .put("problem", f.problem().what())
                    .put("detail", f.detail())
                    .put("repair", f.problem().fix())
                    .put("repaired", f.fixed())
                    .put("crash_residue", uncleanDetach && f.problem().crashResidue())
                    .toString());
        }
        return Json.object().put("namespace", namespace).put("exit", exitCode).put("summary", summary)
                .putRaw("problems", Json.array(problems)).toString();
    }
}
