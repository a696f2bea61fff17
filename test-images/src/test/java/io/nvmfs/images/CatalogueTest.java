package io.nvmfs.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.fsck.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every f_* case: two fsck -fy runs give exactly the stored outputs; the first repairs (1), the second finds nothing (0). */
class CatalogueTest {
    static final Path CATALOGUE = Path.of("catalogue");

    @TestFactory
    Stream<DynamicTest> everyCaseRepairsThenChecksClean() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(CATALOGUE)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("f_")).sorted().toList();
        }
        assertTrue(dirs.size() >= 40, "at least 40 cases, found " + dirs.size());
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            byte[] image = Images.readGz(dir.resolve("image.gz"));
            String[] runs = CatalogueWriter.runTwice(image);
            assertEquals(read(dir.resolve("expect.1")), runs[0], "first run");
            assertEquals(read(dir.resolve("expect.2")), runs[1], "second run");
            assertEquals(1, FsckRunner.exitOf(runs[0]), "first run corrects");
            assertEquals(0, FsckRunner.exitOf(runs[1]), "second run is clean");
            String code = dir.getFileName().toString().split("_")[1].toUpperCase();
            assertTrue(runs[0].lines().anyMatch(l -> l.startsWith(code + " ")), "first run reports " + code);
        }));
    }

    @Test
    void everyProblemCodeHasItsOwnCase() throws IOException {
        Set<String> cases;
        try (Stream<Path> s = Files.list(CATALOGUE)) {
            cases = s.map(p -> p.getFileName().toString().split("_")[1].toUpperCase()).collect(Collectors.toSet());
        }
        Set<String> missing = new TreeSet<>();
        for (Problem p : Problem.values()) {
            if (!cases.contains(p.name())) {
                missing.add(p.name());
            }
        }
        assertEquals(Set.of(), missing, "problem codes without a catalogue case");
    }

    @Test
    void storedImagesAreWhatTheGeneratorMakes() throws Exception {
        for (Catalogue.Case c : Catalogue.cases()) {
            byte[] stored = Images.readGz(CATALOGUE.resolve(c.name()).resolve("image.gz"));
            byte[] made = CatalogueWriter.corrupt(Images.build(c.recipe(), Images.DEFAULT_BYTES), c);
            assertArrayEquals(stored, made, c.name() + ": regenerate the catalogue (test-images/regenerate)");
            assertEquals(c.description() + "\n", read(CATALOGUE.resolve(c.name()).resolve("name")));
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
