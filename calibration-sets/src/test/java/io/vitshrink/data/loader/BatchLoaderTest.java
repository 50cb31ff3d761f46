package io.vitshrink.data.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.TestImages;
import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.DatasetEntry;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.RecipeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
    /** Tiny crops keep the test fast; mean 0 and std 1 make a tensor value read back as v / 255. */
    private static final PreprocessRecipe RECIPE = RecipeReader.parse(
            "{resize: 8, crop: 8, mean: [0, 0, 0], std: [1, 1, 1], name: tiny}", "tiny.yaml");

    @TempDir
    Path dir;

    /**
     * 20 good images, each a solid gray whose level encodes its position (10 * i), big and small ones
     * alternating so workers finish out of order; bad files at positions 3, 8, 9 and 15.
     */
    private ImageDataset mixedDataset() throws Exception {
        List<DatasetEntry> entries = new ArrayList<>();
        int good = 0;
        for (int i = 0; i < 24; i++) {
            Path file = dir.resolve(String.format("img_%02d.jpg", i));
            switch (i) {
                case 3 -> Files.createFile(file);
                case 8 -> TestImages.writeText(file, "not an image");
                case 9 -> TestImages.writeTruncatedJpeg(file, 0.5);
                case 15 -> TestImages.writeBombPng(file, 100_000, 100_000);
                default -> {
                    int size = good % 2 == 0 ? 600 : 9;
                    int level = 10 * good;
                    TestImages.writePng(file, TestImages.solid(size, size, (level << 16) | (level << 8) | level));
                    good++;
                }
            }
            entries.add(new DatasetEntry(file, i));
        }
        return new ImageDataset("mixed", dir, entries, List.of());
    }

    private static int level(Batch b, int image) {
        return Math.round(b.pixels()[image * 3 * 64] * 255f);
    }

    @Test
    void batchesKeepDatasetOrderAndSkipUnreadableImages() throws Exception {
        ImageDataset ds = mixedDataset();
        List<int[]> progress = new ArrayList<>();
        LoaderOptions options = LoaderOptions.defaults().withBatchSize(6).withThreads(4).withReadyBatches(1)
                .withCache(TensorCache.disabled()).withProgress((done, total) -> progress.add(new int[] {done, total}));

        List<Batch> batches = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.open(ds, RECIPE, options)) {
            loader.forEachRemaining(batches::add);
            assertThat(loader.skipped()).extracting(SkippedImage::index).containsExactly(3, 8, 9, 15);
            assertThat(loader.skipped().get(0).reason()).contains("empty file");
            assertThat(loader.skipped().get(2).reason()).contains("truncated");
            assertThat(loader.skipped().get(3).reason()).contains("budget");
            assertThat(loader.stats()).isEqualTo(new LoaderStats(24, 24, 4, 20, 0));
        }

        assertThat(batches).extracting(Batch::size).containsExactly(6, 6, 6, 2); // filled from the next images
        assertThat(batches).extracting(Batch::index).containsExactly(0, 1, 2, 3);
        List<Integer> levels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Batch b : batches) {
            assertThat(b.shape()).containsExactly(b.size(), 3, 8, 8);
            for (int i = 0; i < b.size(); i++) {
                levels.add(level(b, i));
                labels.add(b.labels()[i]);
                assertThat(b.entryIndices()[i]).isEqualTo(b.labels()[i]);
                assertThat(b.fileNames().get(i)).isEqualTo(String.format("img_%02d.jpg", b.labels()[i]));
            }
        }
        List<Integer> expectedLevels = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expectedLevels.add(10 * i);
        }
        assertThat(levels).isEqualTo(expectedLevels);
        assertThat(labels).doesNotContain(3, 8, 9, 15).isSorted();
        assertThat(progress).hasSize(24);
        assertThat(progress.get(23)).containsExactly(24, 24);
        assertThat(progress).extracting(p -> p[0]).isSorted();
    }

    @Test
    void secondRunReadsTheCacheInsteadOfDecoding() throws Exception {
        ImageDataset ds = mixedDataset();
        LoaderOptions options = LoaderOptions.defaults().withBatchSize(8).withThreads(3)
                .withCache(TensorCache.at(dir.resolve("cache")));

        List<Batch> first = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.open(ds, RECIPE, options)) {
            loader.forEachRemaining(first::add);
            assertThat(loader.stats().decoded()).isEqualTo(20);
            assertThat(loader.stats().cacheHits()).isZero();
        }
        List<Batch> second = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.open(ds, RECIPE, options)) {
            loader.forEachRemaining(second::add);
            assertThat(loader.stats().decoded()).isZero();
            assertThat(loader.stats().cacheHits()).isEqualTo(20);
            assertThat(loader.skipped()).hasSize(4); // unreadable files are never cached
        }
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).pixels()).containsExactly(first.get(i).pixels());
            assertThat(second.get(i).labels()).containsExactly(first.get(i).labels());
        }
    }

    @Test
    void closingEarlyStopsTheWorkers() throws Exception {
        ImageDataset ds = mixedDataset();
        LoaderOptions options = LoaderOptions.defaults().withBatchSize(2).withThreads(2).withReadyBatches(1)
                .withCache(TensorCache.disabled());

        BatchLoader loader = BatchLoader.open(ds, RECIPE, options);
        assertThat(loader.next().size()).isEqualTo(2);
        loader.close();

        assertThat(loader.isStopped()).isTrue();
        assertThat(loader.hasNext()).isFalse();
        assertThatThrownBy(loader::next).isInstanceOf(NoSuchElementException.class);
        loader.close(); // idempotent
    }

    @Test
    void emptyDatasetGivesNoBatches() {
        ImageDataset empty = new ImageDataset("empty", dir, List.of(), List.of());
        try (BatchLoader loader = BatchLoader.open(empty, RECIPE, LoaderOptions.defaults().withCache(TensorCache.disabled()))) {
            assertThat(loader.hasNext()).isFalse();
            assertThat(loader.stats()).isEqualTo(new LoaderStats(0, 0, 0, 0, 0));
        }
    }

    @Test
    void optionsRejectNonsense() {
        assertThatThrownBy(() -> LoaderOptions.defaults().withBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoaderOptions.defaults().withThreads(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
