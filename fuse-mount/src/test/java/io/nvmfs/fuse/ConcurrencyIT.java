package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes writing and reading different and shared files through one mount at once. */
class ConcurrencyIT {
    @TempDir
    Path dir;

    @Test
    void processesWritingAtOnceKeepEveryByte() throws Exception {
        try (Mounted m = Mounted.fresh(dir, "512M")) {
            m.shOk("head -c 8388608 /dev/urandom > /tmp/nvmfs-it-pattern");
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Private file copied and checked, plus a 1 MiB stripe of a shared file.
                String script = "cd '" + m.mnt + "' && cp /tmp/nvmfs-it-pattern own" + i + " && cmp /tmp/nvmfs-it-pattern own" + i
                        + " && dd if=/tmp/nvmfs-it-pattern of=shared bs=1M skip=" + i + " seek=" + i
                        + " count=1 conv=notrunc status=none";
                ps.add(new ProcessBuilder("bash", "-c", script).inheritIO().start());
            }
            for (Process p : ps) {
                assertEquals(0, p.waitFor(), "a writer failed");
            }
            m.shOk("cmp -n 4194304 /tmp/nvmfs-it-pattern shared");
            for (int i = 0; i < 4; i++) {
                m.shOk("cmp /tmp/nvmfs-it-pattern own" + i);
            }
            m.shOk("rm /tmp/nvmfs-it-pattern");
        }
    }
}
