package io.nvmfs.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nvmfs.fsck.RepairMode;
import java.lang.foreign.Arena;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GeneratorTest {
    @ParameterizedTest
    @EnumSource(Recipe.class)
    void sameRecipeGivesTheSameBytes(Recipe recipe) throws Exception {
        assertArrayEquals(Images.build(recipe, Images.DEFAULT_BYTES), Images.build(recipe, Images.DEFAULT_BYTES));
    }

    @ParameterizedTest
    @EnumSource(value = Recipe.class, names = {"EMPTY", "TREE", "FULL", "XATTRS"})
    void cleanlyDetachedRecipesCheckClean(Recipe recipe) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            String out = FsckRunner.run(Images.inMemory(arena, Images.build(recipe, Images.DEFAULT_BYTES)), RepairMode.NO);
            assertEquals(0, FsckRunner.exitOf(out), out);
        }
    }
}
