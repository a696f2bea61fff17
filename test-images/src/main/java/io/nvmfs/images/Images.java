package io.nvmfs.images;

import io.nvmfs.core.FsException;
import io.nvmfs.core.FsOptions;
import io.nvmfs.core.Mkfs;
import io.nvmfs.core.NvmFs;
import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.Persistence;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Builds images from recipes (deterministically), and reads and writes them gzip-compressed. */
public final class Images {
    /** Every generated filesystem has this UUID, so every byte of an image is reproducible. */
    public static final UUID UUID_FIXED = UUID.fromString("6e766d66-7374-6573-7469-6d6167657331");
    /** 4 MiB: big enough for every recipe, small enough to fuzz ten thousand times in a CI run. */
    public static final long DEFAULT_BYTES = 4L << 20;

    private Images() {}

    public static FsOptions options() {
        return FsOptions.defaults().withTime(new FixedClock()).withCommitMillis(0);
    }

    /** The bytes of a {@code bytes}-byte namespace made by {@code recipe}. */
    public static byte[] build(Recipe recipe, long bytes) throws FsException {
        try (Arena arena = Arena.ofConfined()) {
            Media media = Media.ofMemory(arena.allocate(bytes, 4096), Persistence.NONE);
            FixedClock clock = new FixedClock();
            Mkfs.format(media, "test-image", 0, clock, UUID_FIXED);
            NvmFs fs = NvmFs.attach(media, FsOptions.defaults().withTime(clock).withCommitMillis(0));
            recipe.populate(fs);
            if (recipe.detachCleanly()) {
                fs.close();
            }
            return media.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Media over a copy of {@code image} in native memory (what fsck and attach run on in tests). */
    public static Media inMemory(Arena arena, byte[] image) {
        MemorySegment seg = arena.allocate(image.length, 4096);
        MemorySegment.copy(image, 0, seg, ValueLayout.JAVA_BYTE, 0, image.length);
        return Media.ofMemory(seg, Persistence.NONE);
    }

    public static void writeGz(Path file, byte[] image) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(image);
        }
    }

    public static byte[] readGz(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        }
    }
}
