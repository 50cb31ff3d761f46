package io.vitshrink.data.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.data.TestImages;
import io.vitshrink.data.preprocess.RecipePresets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorCacheTest {
    @TempDir
    Path dir;

    private static float[] tensor(int n, float scale) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * scale - 1f;
        }
        return t;
    }

    @Test
    void storedTensorsComeBackBitForBit() throws Exception {
        Path image = TestImages.writePng(dir.resolve("a.png"), TestImages.solid(2, 2, 0));
        TensorCache cache = TensorCache.at(dir.resolve("cache"));
        CacheKey key = CacheKey.of(image, RecipePresets.IMAGENET_DEIT);
        float[] t = tensor(3 * 4 * 5, 0.37f);

        assertThat(cache.load(key, 3, 4, 5)).isEmpty();
        cache.store(key, 3, 4, 5, t);

        assertThat(cache.load(key, 3, 4, 5)).hasValueSatisfying(back -> assertThat(back).containsExactly(t));
        assertThat(cache.load(key, 3, 5, 4)).as("another shape is another tensor").isEmpty();
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly(key.hex() + ".f32"); // no temporary files left behind
        }
    }

    @Test
    void keyChangesWithTheFileAndTheRecipeButNotWithTheRecipeName() throws Exception {
        Path image = TestImages.writePng(dir.resolve("a.png"), TestImages.solid(2, 2, 0));
        CacheKey before = CacheKey.of(image, RecipePresets.IMAGENET_DEIT);

        assertThat(CacheKey.of(image, RecipePresets.IMAGENET_DEIT.withName("other"))).isEqualTo(before);
        assertThat(CacheKey.of(image, RecipePresets.IMAGENET_INCEPTION)).isNotEqualTo(before);
        assertThat(CacheKey.of(dir.resolve(".").resolve("a.png"), RecipePresets.IMAGENET_DEIT)).isEqualTo(before);

        Files.setLastModifiedTime(image, FileTime.fromMillis(Files.getLastModifiedTime(image).toMillis() + 5_000));
        assertThat(CacheKey.of(image, RecipePresets.IMAGENET_DEIT)).isNotEqualTo(before);
    }

    @Test
    void corruptEntriesAreIgnoredAndRewritten() throws Exception {
        Path image = TestImages.writePng(dir.resolve("a.png"), TestImages.solid(2, 2, 0));
        TensorCache cache = TensorCache.at(dir.resolve("cache"));
        CacheKey key = CacheKey.of(image, RecipePresets.IMAGENET_DEIT);
        float[] t = tensor(3 * 2 * 2, 1f);
        cache.store(key, 3, 2, 2, t);
        Path entry = cache.entryPath(key);

        byte[] bytes = Files.readAllBytes(entry);
        bytes[30] ^= 0x40; // flip one bit of the payload: the checksum catches it
        Files.write(entry, bytes);
        assertThat(cache.load(key, 3, 2, 2)).isEmpty();

        Files.write(entry, new byte[] {1, 2, 3}); // truncated
        assertThat(cache.load(key, 3, 2, 2)).isEmpty();

        cache.store(key, 3, 2, 2, t);
        assertThat(cache.load(key, 3, 2, 2)).hasValueSatisfying(back -> assertThat(back).containsExactly(t));
    }

    @Test
    void disabledCacheNeverStores() throws Exception {
        Path image = TestImages.writePng(dir.resolve("a.png"), TestImages.solid(2, 2, 0));
        TensorCache cache = TensorCache.disabled();
        CacheKey key = CacheKey.of(image, RecipePresets.IMAGENET_DEIT);

        cache.store(key, 1, 1, 1, new float[] {1f});
        assertThat(cache.enabled()).isFalse();
        assertThat(cache.load(key, 1, 1, 1)).isEmpty();
    }

    @Test
    void unwritableCacheIsNotAnError() throws Exception {
        Path image = TestImages.writePng(dir.resolve("a.png"), TestImages.solid(2, 2, 0));
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        TensorCache cache = TensorCache.at(blocker.resolve("cache"));
        CacheKey key = CacheKey.of(image, RecipePresets.IMAGENET_DEIT);

        cache.store(key, 1, 1, 1, new float[] {1f}); // logs once, does not throw
        assertThat(cache.load(key, 1, 1, 1)).isEmpty();
    }

    @Test
    void defaultLocationHonoursTheProperty() {
        String old = System.getProperty(TensorCache.PROPERTY);
        try {
            System.setProperty(TensorCache.PROPERTY, dir.resolve("mine").toString());
            assertThat(TensorCache.defaultDirectory()).isEqualTo(dir.resolve("mine"));
            System.clearProperty(TensorCache.PROPERTY);
            assertThat(TensorCache.defaultDirectory())
                    .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "vitshrink", "tensors"));
        } finally {
            if (old != null) {
                System.setProperty(TensorCache.PROPERTY, old);
            }
        }
    }
}
