package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** A repair accepted but impossible is said so and counted as uncorrected, in the lines and in JSON. */
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
}
