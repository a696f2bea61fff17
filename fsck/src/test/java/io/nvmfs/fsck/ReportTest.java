package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * A repair accepted but impossible is said so and counted as uncorrected, in the lines and in
 * JSON; -p prints only problems and the summary; a mounted namespace's live journal is no finding.
 */
class ReportTest {
    @Test
    void failedRepairCountsAsUncorrected() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report r = new Report(RepairMode.YES, new PrintStream(bytes, true), true, null);
        assertTrue(r.problem(Problem.CN04, "inode 20", "1 links"));
        assertTrue(r.problem(Problem.LC01, "inode 21", "is 2, should be 1"));
        r.failed("inode 20", "no /lost+found to link it into");
        assertEquals(1, r.fixed());
        assertEquals(1, r.unfixed());
        assertFalse(r.findings().get(0).fixed(), "the CN04 finding is no longer marked fixed");
        assertTrue(r.findings().get(1).fixed());
        assertTrue(bytes.toString().contains("  inode 20: the repair could not be made (no /lost+found to link it into)\n"),
                bytes.toString());
        String json = r.json("image", 5, "s");
        assertTrue(json.contains("\"subject\":\"inode 20\"") && json.indexOf("\"repaired\":false") < json.indexOf("inode 21"), json);
        assertTrue(json.contains("\"repaired\":true"), json);
    }

    @Test
    void preenPrintsProblemsAndTheSummaryButNoPassHeadersOrNotes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report r = new Report(RepairMode.PREEN, new PrintStream(bytes, true), true, null);
        r.pass("Pass 7: link counts");
        assertTrue(r.problem(Problem.LC01, "inode 21", "is 2, should be 1"));
        r.note("***** NAMESPACE WAS MODIFIED *****");
        r.say("image: 3/15 inodes, 20/1024 pages");
        assertEquals("LC01 inode 21: inode link count is wrong (is 2, should be 1). Fix it? yes\n"
                + "image: 3/15 inodes, 20/1024 pages\n", bytes.toString());

        ByteArrayOutputStream yes = new ByteArrayOutputStream();
        Report y = new Report(RepairMode.YES, new PrintStream(yes, true), true, null);
        y.pass("Pass 7: link counts");
        y.note("***** NAMESPACE WAS MODIFIED *****");
        assertEquals("Pass 7: link counts\n***** NAMESPACE WAS MODIFIED *****\n", yes.toString(), "other modes print both");
    }

    @Test
    void aMountedNamespacesLiveJournalIsNotAFinding() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report r = new Report(RepairMode.NO, new PrintStream(bytes, true), true, null);
        r.uncleanDetach(true); // a mounted namespace is marked not clean
        r.mounted(true);
        assertFalse(r.problem(Problem.JR04, "journal page 0x40", "3 transactions"));
        assertFalse(r.problem(Problem.JR06, "journal page 0x40", null));
        assertFalse(r.problem(Problem.SP01, "block 0x400 order 0 owner slot 2", null));
        assertEquals("SP01 block 0x400 order 0 owner slot 2: pages recorded but referenced by nothing. Free them?"
                + " no (the namespace is in use by a mount)\n", bytes.toString(), "JR04 and JR06 say nothing");
        assertEquals(0, r.unfixed(), "none counts as left uncorrected");
        assertEquals(1, r.findings().size());
    }
}
