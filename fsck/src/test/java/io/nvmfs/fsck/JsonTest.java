package io.nvmfs.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared writer: fields in order, compact, strings escaped, null as null; and fsck's report
 * through it is byte for byte what it was when it built its JSON by hand.
 */
class JsonTest {
    @Test
    void writesFieldsInOrderCompactAndEscaped() {
        String doc = Json.object().put("s", "a\"b\\c\nd\u0001").put("n", -3).put("t", true).put("none", (String) null)
                .putRaw("a", Json.array(List.of("1", Json.object().put("x", 2).toString()))).toString();
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":-3,\"t\":true,\"none\":null,\"a\":[1,{\"x\":2}]}", doc);
        assertEquals("{}", Json.object().toString());
        assertEquals("[]", Json.array(List.of()));
    }

    @Test
    void fsckReportKeepsItsBytes() {
        Report r = new Report(RepairMode.YES, new PrintStream(new ByteArrayOutputStream(), true), false, null);
        r.problem(Problem.LC01, "inode 21", "is 2, should be 1");
        r.problem(Problem.CN04, "inode \"20\"", null);
        String expected = "{\"namespace\":\"im\\\\age\",\"exit\":1,\"summary\":\"s\",\"problems\":["
                + "{\"code\":\"LC01\",\"subject\":\"inode 21\",\"problem\":" + Json.quote(Problem.LC01.what())
                + ",\"detail\":\"is 2, should be 1\",\"repair\":" + Json.quote(Problem.LC01.fix())
                + ",\"repaired\":true,\"crash_residue\":false},"
                + "{\"code\":\"CN04\",\"subject\":\"inode \\\"20\\\"\",\"problem\":" + Json.quote(Problem.CN04.what())
                + ",\"detail\":null,\"repair\":" + Json.quote(Problem.CN04.fix())
                + ",\"repaired\":true,\"crash_residue\":false}]}";
        assertEquals(expected, r.json("im\\age", 1, "s"));
    }
}
