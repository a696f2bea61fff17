package io.nvmfs.fsck;

import io.nvmfs.core.FsSuperblockFormat;
import io.nvmfs.core.Le;
import io.nvmfs.nvmpg.Media;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * Runs the passes over one mapped namespace, in order, and turns the outcome into fsck(8)'s
 * exit code. Opening the namespace (and refusing a mounted one) is {@link FsckRun}'s job; this
 * class only needs the bytes, which is also what lets tests and the fuzzer run it on memory.
 */
public final class Fsck {
    /**
     * @param mode       how repairs are answered
     * @param force      check even when the filesystem is marked clean
     * @param json       print one JSON document instead of the text lines
     * @param name       how the namespace is named in the summary line
     * @param mounted    the namespace is in use by a mount (checked with -n): its journal is live
     */
    public record Options(RepairMode mode, boolean force, boolean json, String name, boolean mounted) {
        public Options(RepairMode mode, boolean force, boolean json, String name) {
            this(mode, force, json, name, false);
        }
    }

    private final Options options;
    private final PrintStream out;
    /** Where errors go (exit 8 and the like): stderr, as e2fsck's; a quiet checker keeps them with the rest. */
    private final PrintStream err;
    private final Progress progress;
    private final BufferedReader terminal;
    private final BooleanSupplier cancelled;

    /** A checker whose progress bar is drawn on {@code err} when stderr is a terminal. */
    public Fsck(Options options, PrintStream out, PrintStream err, BufferedReader terminal, BooleanSupplier cancelled) {
        this(options, out, err, err == null ? Progress.off() : Progress.forTerminal(err, null, options.name()), terminal, cancelled);
    }

    Fsck(Options options, PrintStream out, PrintStream err, Progress progress, BufferedReader terminal, BooleanSupplier cancelled) {
        this.options = options;
        this.out = out;
        this.err = err == null ? out : err;
        this.progress = progress;
        this.terminal = terminal;
        this.cancelled = cancelled;
    }

    /** A checker for tests: no terminal, no progress, never cancelled; errors go to {@code out}. */
    public static Fsck quiet(Options options, PrintStream out) {
        return new Fsck(options, out, null, null, () -> false);
    }

    /**
     * Checks (and with a repairing mode, repairs) the namespace in {@code media}.
     *
     * @param privateMapping true when writes cannot reach the namespace (-n): the journal is then
     *                       replayed in memory so that the check sees what a mount would
     * @param writer         where changes go (its backup included)
     * @return the fsck(8) exit code
     */
    public int run(Media media, boolean privateMapping, MediaWriterHandle writer) {
        Report report = new Report(options.mode(), out, !options.json(), terminal);
        report.mounted(options.mounted());
        report.beforeLine(progress::erase);
        CheckState st = new CheckState(media, writer.writer, report, progress);
        int exit;
        String summary = "";
        try {
            pass(report, "Pass 1: namespace superblocks");
            NamespaceSuperblockPass.run(st);
            pass(report, "Pass 2: owners and records");
            RecordPass.run(st);
            pass(report, "Pass 3: filesystem superblock and journal");
            FsSuperblockPass.run(st);
            SystemOverlap.run(st);
            boolean clean = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_CLEAN) == 1;
            report.uncleanDetach(!clean);
            long errors = st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_ERRORS);
            if (errors != 0) {
                report.note("The filesystem recorded " + errors + " corruption event" + (errors == 1 ? "" : "s")
                        + " while mounted: checking fully.");
            }
            if (clean && errors == 0 && !options.force() && report.findings().isEmpty()) {
                summary = options.name() + ": clean, " + st.totalPages + " pages";
                report.say(summary);
                return finish(report, ExitCode.CLEAN, summary);
            }
            JournalPass.run(st, privateMapping);
            FsSuperblockPass.afterJournal(st);
            InodeTableChunks.load(st);
            SystemOverlap.run(st);
            pass(report, "Pass 4: inodes and extent maps");
            InodePass.run(st, System.currentTimeMillis() / 1000);
            DuplicateBlockPass.run(st);
            SpaceAllocator alloc = new SpaceAllocator(st);
            DirectoryEditor editor = new DirectoryEditor(st, alloc);
            pass(report, "Pass 5: directories");
            DirectoryPass.run(st);
            pass(report, "Pass 6: connectivity");
            ConnectivityPass.run(st, editor, alloc);
            pass(report, "Pass 7: link counts");
            LinkCountPass.run(st, editor);
            pass(report, "Pass 8: space");
            SpacePass.run(st, alloc);
            exit = (report.fixed() > 0 ? ExitCode.CORRECTED : 0) | (report.unfixed() > 0 ? ExitCode.UNCORRECTED : 0);
            if (options.mode() != RepairMode.NO && report.unfixed() == 0) {
                // Checked and consistent: the next attach may skip its leak scan.
                if (st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_CLEAN) != 1) {
                    st.writer.putLong(st.sb + FsSuperblockFormat.OFF_CLEAN, 1L);
                }
                // Every recorded corruption has now been checked for and repaired.
                if (st.seg.get(Le.LONG, st.sb + FsSuperblockFormat.OFF_ERRORS) != 0) {
                    st.writer.putLong(st.sb + FsSuperblockFormat.OFF_ERRORS, 0L);
                }
            }
            summary = summary(st);
            if (report.residue() > 0) {
                String n = report.residue() + " finding" + (report.residue() == 1 ? "" : "s") + " above "
                        + (report.residue() == 1 ? "is" : "are");
                report.note(report.mounted()
                        ? "In use by a mount: " + n + " what a mount has in progress (written but not yet committed or"
                                + " released); check it unmounted to be sure."
                        : "Not detached cleanly: " + n + " what a crash leaves; the next mount"
                                + " (or fsck -p) repairs " + (report.residue() == 1 ? "it" : "them") + ".");
            }
            if (report.fixed() > 0) {
                report.note("***** NAMESPACE WAS MODIFIED *****");
            }
            report.say(summary);
            return finish(report, exit, summary);
        } catch (Report.PreenStop stop) {
            progress.erase();
            exit = ExitCode.UNCORRECTED | (report.fixed() > 0 ? ExitCode.CORRECTED : 0);
            return finish(report, exit, "stopped: a problem needs a manual fsck");
        } catch (FsckAbort e) {
            error(options.name() + ": " + e.getMessage());
            return finish(report, ExitCode.OPERATIONAL | (report.fixed() > 0 ? ExitCode.CORRECTED : 0), e.getMessage());
        } catch (Cancelled c) {
            error("cancelled");
            return finish(report, ExitCode.CANCELLED | (report.fixed() > 0 ? ExitCode.CORRECTED : 0), "cancelled");
        } catch (MediaWriter.BackupFailedException e) {
            error(e.getMessage() + "; nothing further was changed");
            return finish(report, ExitCode.OPERATIONAL, e.getMessage());
        } catch (InternalError e) {
            // The JVM's answer to SIGBUS on the mapping: the namespace file shrank under fsck (or
            // the device failed). Nothing more can be read; say so in one line.
            String why = "the namespace could not be read at some offset (" + e.getMessage()
                    + "); was the file truncated while fsck ran?";
            error(options.name() + ": " + why);
            return finish(report, ExitCode.OPERATIONAL | (report.fixed() > 0 ? ExitCode.CORRECTED : 0), why);
        }
    }

    /** An error line (why fsck stops), on the error stream in every mode, --json included. */
    private void error(String message) {
        progress.erase();
        if (err != out || !options.json()) {
            err.println("fsck.nvmfs: " + message);
        }
    }

    private void pass(Report report, String header) {
        if (cancelled.getAsBoolean()) {
            throw new Cancelled();
        }
        report.pass(header);
    }

    private int finish(Report report, int exit, String summary) {
        if (options.json()) {
            out.println(report.json(options.name(), exit, summary));
        }
        return exit;
    }

    private String summary(CheckState st) {
        long inodes = 0;
        for (int i = 1; i < st.type.length; i++) {
            if (st.type[i] != 0) {
                inodes++;
            }
        }
        long used = 3 + 1; // pages 0..2 and the backup superblock
        for (int i = 0; i < st.claims.size(); i++) {
            long c = st.claims.get(i);
            if (!(Claim.isInode(c) && st.released.get(Claim.claimant(c)))) {
                used += 1L << Claim.order(c);
            }
        }
        return options.name() + ": " + inodes + "/" + (st.inodeCapacity - 1) + " inodes, " + used + "/" + st.totalPages + " pages";
    }

    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** Wraps the writer so callers outside the package can hand one in. */
    public static final class MediaWriterHandle implements AutoCloseable {
        final MediaWriter writer;

        public MediaWriterHandle(Media media, java.io.OutputStream backup) throws java.io.IOException {
            this.writer = new MediaWriter(media, backup);
        }

        @Override
        public void close() throws java.io.IOException {
            writer.close();
        }
    }
}
