package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this kernel lets a FUSE server use io_uring: the fuse module's enable_uring parameter
 * (off unless root writes Y to it), and how many queues the kernel expects: one per possible CPU.
 */
final class IoUringSupport {
    static final Path ENABLE = Path.of("/sys/module/fuse/parameters/enable_uring");
    private static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");

    private IoUringSupport() {}

    /** Why -o io_uring cannot be served here, or null when the kernel allows it. */
    static String problem() {
        return problem(ENABLE);
    }

    static String problem(Path enable) {
        if (!Files.exists(enable)) {
            return "this kernel's FUSE has no io_uring support (no " + enable + ")";
        }
        try {
            String v = Files.readString(enable).trim();
            return v.equals("Y") || v.equals("1") ? null
                    : enable + " is " + v + " (root can write Y to it)";
        } catch (IOException e) {
            return "cannot read " + enable + ": " + e.getMessage();
        }
    }

    /** The kernel's num_possible_cpus(): the queues it waits for before it uses the rings. */
    static int possibleCpus() {
        try {
            return possibleCpus(Files.readString(POSSIBLE));
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** From a CPU list such as {@code 0-3} or {@code 0,2-5}: the highest CPU number plus one. */
    static int possibleCpus(String list) {
        int max = 0;
        for (String part : list.trim().split(",")) {
            String last = part.contains("-") ? part.substring(part.indexOf('-') + 1) : part;
            max = Math.max(max, Integer.parseInt(last.trim()));
        }
        return max + 1;
    }
}
