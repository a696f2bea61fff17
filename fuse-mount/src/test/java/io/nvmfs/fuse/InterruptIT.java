package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests interrupted by signals: a caller whose thread takes a signal while its request is in
 * nvmfs makes the kernel send FUSE_INTERRUPT. nvmfs answers the interrupted request when it is
 * done (every nvmfs request completes in bounded time; the protocol lets a server do that), so
 * the call returns its real result: data written under a storm of signals reads back whole, and
 * nothing waits for an answer that never comes (the watchdog would abort the connection).
 */
class InterruptIT {
    @TempDir
    Path dir;

    /**
     * A SIGALRM every 0.3 ms (a handler, so not fatal) while writing, fsyncing, reading back,
     * renaming and unlinking 1 MiB-request files; Python retries EINTR (PEP 475) and short writes
     * are continued, so any wrong byte or lost call is the filesystem's.
     */
    private static final String STORM = String.join("\n",
            "import os, signal, sys",
            "signal.signal(signal.SIGALRM, lambda s, f: None)",
            "signal.setitimer(signal.ITIMER_REAL, 0.0003, 0.0003)",
            "d, files = sys.argv[1], int(sys.argv[2])",
            "data = os.urandom(1 << 20)",
            "for i in range(files):",
            "    p = os.path.join(d, 'f%d' % i)",
            "    fd = os.open(p, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)",
            "    for k in range(8):",
            "        view = memoryview(data)",
            "        while view:",
            "            view = view[os.write(fd, view):]",
            "    os.fsync(fd)",
            "    os.close(fd)",
            "    with open(p, 'rb') as f:",
            "        assert f.read() == data * 8, p",
            "    os.rename(p, p + '.r')",
            "    if i % 2:",
            "        os.unlink(p + '.r')",
            "signal.setitimer(signal.ITIMER_REAL, 0)",
            "print('ok')");

    @Test
    void interruptedRequestsAreAnsweredWithTheirRealResult() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "512M"); Watchdog dog = m.watchdog(Duration.ofSeconds(120))) {
            Path script = Files.writeString(dir.resolve("storm.py"), STORM);
            Mounted.Result r = dog.call("writes under signals",
                    () -> Mounted.run(List.of("python3", script.toString(), m.mnt.toString(), "24")));
            assertEquals(0, r.exit(), r.out() + r.err());
            assertEquals("ok", r.out().strip());
            dog.run("the survivors", () -> m.shOk("test $(ls | wc -l) = 12 && for f in *.r; do test $(stat -c %s $f) = 8388608; done"));
            long interrupts = count(m, "interrupt");
            assertTrue(interrupts > 0, "the kernel sent INTERRUPT for some of them (else this test tests nothing): " + interrupts);
        }
        Mounted.Result fsck = Mounted.nvmfs("fsck", "-n", dir.resolve("fs.img").toString());
        assertEquals(0, fsck.exit(), fsck.out() + fsck.err());
    }

    private static long count(Mounted m, String type) throws Exception {
        Mounted.Result s = Mounted.launcher(Map.of(), "stats", m.mnt.toString());
        Matcher c = Pattern.compile("\n  " + type + " +(\\d+)\n").matcher(s.out());
        return c.find() ? Long.parseLong(c.group(1)) : 0;
    }
}
