package io.nvmfs.fuse;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether libfuse 2 is installed where the dynamic linker finds it. */
final class LibFuse {
    private LibFuse() {}

    static boolean present() {
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/lib64", "/lib", "/usr/local/lib", "/usr/lib/aarch64-linux-gnu"}) {
            if (Files.exists(Path.of(dir, "libfuse.so.2"))) {
                return true;
            }
        }
        return false;
    }
}
