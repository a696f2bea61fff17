package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Set-user-ID and set-group-ID after write, truncate, fallocate and chown, compared with tmpfs on
 * the same kernel (the reference the VFS applies itself): the same bits are taken away, and
 * {@code stat} shows it at once — not the old mode for up to the attribute timeout. Each case is a
 * root-made file, changed by the user nobody (not in the file's group, or with it as a
 * supplementary group) or by root, then stat'ed right away and again after a remount.
 */
class PrivilegeBitsIT {
    @TempDir
    Path dir;

    /** name → {setup as root, change, who changes}: who is "nobody", "member" (nobody in group 0) or "root". */
    private static final Map<String, String[]> CASES = new LinkedHashMap<>();

    static {
        CASES.put("write 6777 nobody", new String[] {"chmod 6777 p", "echo data >> p", "nobody"});
        CASES.put("write 2767 nobody", new String[] {"chmod 2767 p", "echo data >> p", "nobody"});
        CASES.put("write 2767 member", new String[] {"chmod 2767 p", "echo data >> p", "member"});
        CASES.put("write 2777 member", new String[] {"chmod 2777 p", "echo data >> p", "member"});
        CASES.put("truncate 6777 nobody", new String[] {"echo data > p && chmod 6777 p", "truncate -s 1 p", "nobody"});
        CASES.put("falloc 6777 nobody", new String[] {"chmod 6777 p", "fallocate -l 8192 p", "nobody"});
        CASES.put("punch 6777 nobody", new String[] {"head -c 16384 /dev/zero > p && chmod 6777 p",
                "fallocate -p -o 4096 -l 4096 p", "nobody"});
        CASES.put("falloc 2767 member", new String[] {"chmod 2767 p", "fallocate -l 8192 p", "member"});
        CASES.put("write 6755 root", new String[] {"chmod 6777 p", "echo data >> p", "root"});
        CASES.put("chown 6755 root", new String[] {"chmod 6755 p", "chown 1000:1000 p", "root"});
        CASES.put("chown 2745 root", new String[] {"chmod 2745 p", "chown 1000:1000 p", "root"});
    }

    private static String as(String who, String cmd) {
        return switch (who) {
            case "nobody" -> "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c '" + cmd + "'";
            case "member" -> "setpriv --reuid=65534 --regid=65534 --groups=0 bash -c '" + cmd + "'";
            default -> cmd;
        };
    }

    /** Runs every case in {@code where}; returns case → mode seen right after the change. */
    private static Map<String, String> run(Path where) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> c : CASES.entrySet()) {
            String[] s = c.getValue();
            String script = "cd '" + where + "' && rm -f p && touch p && " + s[0] + " && stat -c %A p >/dev/null && "
                    + as(s[2], s[1]) + " && stat -c %A p";
            Mounted.Result r = Mounted.run(List.of("bash", "-c", script));
            assertEquals(0, r.exit(), c.getKey() + " in " + where + ": " + r.err());
            out.put(c.getKey(), r.out().trim());
        }
        return out;
    }

    @Test
    void privilegeBitsFollowTmpfsAndShowAtOnce() throws Exception {
        Path tmpfs = dir.resolve("tmpfs");
        Files.createDirectories(tmpfs);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, Mounted.run(List.of("mount", "-t", "tmpfs", "-o", "size=16m,mode=1777", "none", tmpfs.toString())).exit());
        Map<String, String> want;
        try {
            want = run(tmpfs);
        } finally {
            Mounted.run(List.of("umount", tmpfs.toString()));
        }
        for (String options : List.of("allow_other", "allow_other,writeback_cache")) {
            try (Mounted m = Mounted.fresh(dir.resolve(options.replace(',', '-')).toAbsolutePath(), "64M", options)) {
                m.shOk("chmod 1777 .");
                assertEquals(want.toString(), run(m.mnt).toString(), options + ": modes right after each change (tmpfs first)");
            }
        }
    }
}
