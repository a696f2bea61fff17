package io.nvmfs.images;

import io.nvmfs.fsck.RepairMode;
import io.nvmfs.nvmpg.Media;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Regenerates the catalogue (run by {@code test-images/regenerate}): for each case the corrupted
 * image, its description, and the output of two {@code fsck -fy} runs. The expected outputs are
 * what fsck says today: review the diff of every regenerated {@code expect.*} before committing.
 */
public final class CatalogueWriter {
    private CatalogueWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "test-images/catalogue");
        Map<Recipe, byte[]> bases = new EnumMap<>(Recipe.class);
        for (Catalogue.Case c : Catalogue.cases()) {
            byte[] base = bases.get(c.recipe());
            if (base == null) {
                base = Images.build(c.recipe(), Images.DEFAULT_BYTES);
                bases.put(c.recipe(), base);
            }
            byte[] image = corrupt(base, c);
            Path caseDir = dir.resolve(c.name());
            Images.writeGz(caseDir.resolve("image.gz"), image);
            Files.writeString(caseDir.resolve("name"), c.description() + "\n", StandardCharsets.UTF_8);
            String[] runs = runTwice(image);
            Files.writeString(caseDir.resolve("expect.1"), runs[0], StandardCharsets.UTF_8);
            Files.writeString(caseDir.resolve("expect.2"), runs[1], StandardCharsets.UTF_8);
            System.out.println(c.name() + ": first run exit " + FsckRunner.exitOf(runs[0])
                    + ", second run exit " + FsckRunner.exitOf(runs[1]));
        }
        // Golden images are written once per on-media version and then kept forever.
        for (Recipe r : Recipe.values()) {
            Path golden = dir.getParent().resolve("golden/v1/" + r.name().toLowerCase() + ".img.gz");
            if (!Files.exists(golden)) {
                Images.writeGz(golden, bases.containsKey(r) ? bases.get(r) : Images.build(r, Images.DEFAULT_BYTES));
            }
        }
    }

    static byte[] corrupt(byte[] base, Catalogue.Case c) {
        try (Arena arena = Arena.ofConfined()) {
            Media media = Images.inMemory(arena, base);
            c.corrupt().accept(new Poke(media));
            return media.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Output of the first and the second {@code fsck -fy} over a copy of {@code image}. */
    public static String[] runTwice(byte[] image) {
        try (Arena arena = Arena.ofConfined()) {
            Media media = Images.inMemory(arena, image);
            return new String[] {FsckRunner.run(media, RepairMode.YES), FsckRunner.run(media, RepairMode.YES)};
        }
    }
}
