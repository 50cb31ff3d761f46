package io.vitshrink.data.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.TestImages;
import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.DatasetEntry;
import io.vitshrink.data.dataset.FolderReader;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.images.ImageDecoder;
import io.vitshrink.data.images.UnreadableImageException;
import io.vitshrink.data.loader.Batch;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.loader.LoaderStats;
import io.vitshrink.data.loader.SkippedImage;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.RecipeReader;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Images an attacker or a bad download can put in a dataset folder: decompression bombs (PNG and
 * JPEG headers declaring 60000×60000 pixels), truncated, zero-byte, mislabelled and non-image files.
 * Each is refused before decoding or skipped and counted, with the reason; nothing is written.
 */
class HostileImagesTest {
    private static final PreprocessRecipe TINY = RecipeReader.parse(
            "{resize: 8, crop: 8, mean: [0, 0, 0], std: [1, 1, 1], name: tiny}", "tiny.yaml");
    private static final String BOMB_REASON =
            "declares 60000x60000 = 3600.0 megapixels, over the 100.0-megapixel budget (possible decompression bomb)";

    @TempDir
    Path dir;

    /** A valid small JPEG whose start-of-frame header is patched to declare {@code width x height}. */
    static Path writeBombJpeg(Path file, int width, int height) {
        byte[] jpeg = TestImages.encode(TestImages.gradient(16, 16), "jpeg");
        for (int i = 2; i + 9 < jpeg.length; i++) {
            int marker = jpeg[i + 1] & 0xff;
            if ((jpeg[i] & 0xff) == 0xff && (marker == 0xc0 || marker == 0xc2)) {
                // FF C0, length (2), precision (1), height (2), width (2)
                jpeg[i + 5] = (byte) (height >> 8);
                jpeg[i + 6] = (byte) height;
                jpeg[i + 7] = (byte) (width >> 8);
                jpeg[i + 8] = (byte) width;
                return TestImages.writeBytes(file, jpeg);
            }
        }
        throw new IllegalStateException("no start-of-frame marker in the encoded JPEG");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"png", "jpeg"})
    void bombsAreRefusedFromTheirHeaderBeforeAnyPixelIsDecoded(String format) throws Exception {
        Path bomb = format.equals("png") ? TestImages.writeBombPng(dir.resolve("bomb.png"), 60_000, 60_000)
                : writeBombJpeg(dir.resolve("bomb.jpg"), 60_000, 60_000);
        assertThat(Files.size(bomb)).isLessThan(2_000);

        long start = System.nanoTime();
        assertThatThrownBy(() -> new ImageDecoder().decode(bomb))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessage(bomb + ": " + BOMB_REASON);
        // 3.6 gigapixels would take many seconds and ~10 GB to decode; refusing takes milliseconds
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    }

    @Test
    void badFilesInAFolderAreSkippedCountedAndNamedAndTheFolderIsNotWritten() throws Exception {
        Path folder = dir.resolve("photos");
        TestImages.writePng(folder.resolve("a_good.png"), TestImages.gradient(12, 10));
        TestImages.writeJpeg(folder.resolve("b_good.jpg"), TestImages.gradient(12, 10));
        TestImages.writeBytes(folder.resolve("c_png_named.jpg"), TestImages.encode(TestImages.gradient(9, 9), "png"));
        Files.createFile(folder.resolve("d_empty.jpg"));
        TestImages.writeText(folder.resolve("e_text.png"), "these are not pixels\n");
        TestImages.writeTruncatedJpeg(folder.resolve("f_truncated.jpg"), 0.5);
        byte[] png = TestImages.encode(TestImages.gradient(64, 64), "png");
        TestImages.writeBytes(folder.resolve("g_truncated.png"), Arrays.copyOf(png, png.length / 2));
        TestImages.writeBombPng(folder.resolve("h_bomb.png"), 60_000, 60_000);
        writeBombJpeg(folder.resolve("i_bomb.jpeg"), 60_000, 60_000);
        // not listed at all: no image extension, whatever the content
        TestImages.writeText(folder.resolve("notes.txt"), "not an image");
        TestImages.writeBytes(folder.resolve("photo.txt"), TestImages.encode(TestImages.gradient(4, 4), "jpeg"));
        Map<String, String> before = snapshot(folder);

        ImageDataset ds = FolderReader.read(folder);
        assertThat(ds.entries()).extracting(DatasetEntry::fileName).containsExactly("a_good.png", "b_good.jpg",
                "c_png_named.jpg", "d_empty.jpg", "e_text.png", "f_truncated.jpg", "g_truncated.png", "h_bomb.png",
                "i_bomb.jpeg");
        List<Batch> batches = new ArrayList<>();
        List<SkippedImage> skipped;
        LoaderStats stats;
        try (BatchLoader loader = BatchLoader.open(ds, TINY, LoaderOptions.defaults().withBatchSize(4).withThreads(3)
                .withCache(TensorCache.disabled()))) {
            loader.forEachRemaining(batches::add);
            skipped = loader.skipped();
            stats = loader.stats();
        }

        assertThat(batches).extracting(Batch::size).containsExactly(3);
        assertThat(batches.get(0).fileNames()).containsExactly("a_good.png", "b_good.jpg", "c_png_named.jpg");
        assertThat(stats).isEqualTo(new LoaderStats(9, 9, 6, 3, 0));
        Map<String, String> reasons = new LinkedHashMap<>();
        skipped.forEach(s -> reasons.put(s.file().getFileName().toString(), s.reason()));
        assertThat(reasons).containsOnlyKeys("d_empty.jpg", "e_text.png", "f_truncated.jpg", "g_truncated.png",
                "h_bomb.png", "i_bomb.jpeg");
        assertThat(reasons.get("d_empty.jpg")).isEqualTo("empty file (0 bytes)");
        assertThat(reasons.get("e_text.png")).isEqualTo("not an image in a supported format (content not recognised)");
        assertThat(reasons.get("f_truncated.jpg")).startsWith("truncated image data (");
        assertThat(reasons.get("g_truncated.png")).startsWith("corrupt or unsupported image data: ");
        assertThat(reasons.get("h_bomb.png")).isEqualTo(BOMB_REASON);
        assertThat(reasons.get("i_bomb.jpeg")).isEqualTo(BOMB_REASON);
        assertThat(snapshot(folder)).as("the data folder is only read").isEqualTo(before);
    }

    @Test
    void aFolderWithoutUsableImagesIsAClearErrorOrYieldsNothingButCountsEverySkip() throws Exception {
        Path noImages = Files.createDirectories(dir.resolve("no-images"));
        TestImages.writeText(noImages.resolve("labels.csv"), "a,b\n");
        TestImages.writeBytes(noImages.resolve("photo.dat"), TestImages.encode(TestImages.gradient(4, 4), "png"));
        assertThatThrownBy(() -> FolderReader.read(noImages))
                .isInstanceOf(UserException.class)
                .hasMessage("no images in " + noImages + " (looked for files ending in .bmp, .gif, .jfif, .jpe, .jpeg, "
                        + ".jpg, .png, .tif, .tiff, .webp, and for class subfolders)");

        Path allBad = Files.createDirectories(dir.resolve("all-bad"));
        Files.createFile(allBad.resolve("a.jpg"));
        TestImages.writeText(allBad.resolve("b.png"), "text");
        TestImages.writeBombPng(allBad.resolve("c.png"), 60_000, 60_000);
        ImageDataset ds = FolderReader.read(allBad);
        try (BatchLoader loader = BatchLoader.open(ds, TINY, LoaderOptions.defaults().withCache(TensorCache.disabled()))) {
            assertThat(loader.hasNext()).isFalse();
            assertThat(loader.stats()).isEqualTo(new LoaderStats(3, 3, 3, 0, 0));
        }
        // the commands turn "no batch at all" into an error: see the workbench's HostileCliTest
    }

    @Test
    void symbolicLinkCyclesInClassFoldersNeitherHangNorDuplicateImages() throws Exception {
        Path root = dir.resolve("train");
        TestImages.writePng(root.resolve("cat/a.png"), TestImages.gradient(4, 4));
        TestImages.writePng(root.resolve("cat/inner/b.png"), TestImages.gradient(4, 4));
        TestImages.writePng(root.resolve("dog/c.png"), TestImages.gradient(4, 4));
        Files.createSymbolicLink(root.resolve("cat/up"), Path.of(".."));          // → train: holds cat itself
        Files.createSymbolicLink(root.resolve("cat/inner/back"), Path.of(".."));  // → cat: already listed
        Files.createSymbolicLink(root.resolve("cat/inner/self"), Path.of("."));   // → inner: already listed
        Files.createSymbolicLink(root.resolve("dog/up1"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("dog/up2"), Path.of(".."));         // two links: 2^40 paths without the guard

        long start = System.nanoTime();
        ImageDataset ds = FolderReader.read(root);

        assertThat((System.nanoTime() - start) / 1e9).isLessThan(5.0);
        assertThat(ds.classNames()).containsExactly("cat", "dog");
        assertThat(ds.entries()).extracting(e -> root.relativize(e.file()).toString().replace('\\', '/'))
                .containsExactly("cat/a.png", "cat/inner/b.png", "dog/c.png");
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsExactly(0, 0, 1);
    }

    /** Name → size and modification time of every file below {@code folder}. */
    static Map<String, String> snapshot(Path folder) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (var files = Files.walk(folder)) {
            for (Path p : files.sorted().toList()) {
                out.put(folder.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
