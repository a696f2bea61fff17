package io.nvmfs.images;

import io.nvmfs.fsck.Fsck;
import io.nvmfs.fsck.RepairMode;
import io.nvmfs.nvmpg.Media;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs fsck on media in memory and returns its output as the catalogue stores it. */
public final class FsckRunner {
    private FsckRunner() {}

    /** {@code fsck -fy} (or another mode); the output ends with "Exit status is N". */
    public static String run(Media media, RepairMode mode) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int exit;
        try (Fsck.MediaWriterHandle w = new Fsck.MediaWriterHandle(media, null)) {
            exit = Fsck.quiet(new Fsck.Options(mode, true, false, "image"), out).run(media, false, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("Exit status is " + exit);
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** The exit status an output ends with. */
    public static int exitOf(String output) {
        int i = output.lastIndexOf("Exit status is ");
        return Integer.parseInt(output.substring(i + "Exit status is ".length()).trim());
    }
}
