package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void createWriteReadRenameUnlinkAcrossRemount() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 64L << 20);
            NvmFs fs = t.fs;
            long dir = fs.mkdir(fs.root(), "d", 0755, Caller.ROOT).ino();
            byte[] hello = "hello, persistent world".getBytes(StandardCharsets.UTF_8);
            long f = t.writeFile(dir, "f", hello);
            assertArrayEquals(hello, t.readFile(f));
            fs.rename(dir, "f", fs.root(), "g", 0);
            assertEquals(f, fs.lookup(fs.root(), "g"));
            List<DirEntry> entries = fs.readdir(fs.root(), 0, 100);
            assertEquals(List.of(".", "..", "d", "g"), entries.stream().map(DirEntry::name).toList());
            fs = t.remount();
            assertArrayEquals(hello, t.readFile(fs.lookup(fs.root(), "g")));
            fs.unlink(fs.root(), "g");
            fs.rmdir(fs.root(), "d");
            assertEquals(List.of(".", ".."), fs.readdir(fs.root(), 0, 100).stream().map(DirEntry::name).toList());
            fs.close();
        }
    }
}
