package io.nvmfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntPredicate;

/**
 * Whether the caller of a request is in a group: its fsgid (the request header's) or one of its
 * supplementary groups, which FUSE does not send and are read from the "Groups:" line of
 * /proc/PID/task/PID/status, PID being the calling thread's id. Read only when asked (set-group-ID
 * decisions, rare), never on the common path. If the file cannot be read (the caller has exited,
 * /proc is not mounted), the caller counts as not in the group: the safe side, as a set-group-ID
 * bit is then taken away rather than kept.
 */
final class CallerGroups {
    private CallerGroups() {}

    static IntPredicate of(int pid, int fsgid) {
        return gid -> gid == fsgid || supplementary(pid, gid);
    }

    static boolean supplementary(int pid, int gid) {
        if (pid <= 0) {
            return false;
        }
        Path status = Path.of("/proc", Integer.toString(pid), "task", Integer.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Groups:")) {
                    return listed(line.substring("Groups:".length()), gid);
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Whether {@code gid} is among the whitespace-separated numbers of {@code groups}. */
    static boolean listed(String groups, int gid) {
        for (String g : groups.trim().split("\\s+")) {
            if (!g.isEmpty() && Integer.toUnsignedString(gid).equals(g)) {
                return true;
            }
        }
        return false;
    }
}
