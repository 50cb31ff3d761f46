package io.vitshrink.onnx.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticImagesTest {

    @TempDir
    Path dir;

    @Test
    void batchesAreDeterministicAndIndexAddressable() {
        float[] five = SyntheticImages.batch(7, 5, 3, 16, 16);
        float[] two = SyntheticImages.batch(7, 2, 3, 16, 16);
        assertThat(Arrays.copyOf(five, two.length)).isEqualTo(two);
        assertThat(SyntheticImages.batch(7, 5, 3, 16, 16)).isEqualTo(five);
        assertThat(SyntheticImages.batch(8, 2, 3, 16, 16)).isNotEqualTo(two);
        assertThat(Arrays.copyOfRange(five, 0, 768)).isNotEqualTo(Arrays.copyOfRange(five, 768, 1536));
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float v : five) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isBetween(-2.2, -1.0);
        assertThat(max).isBetween(1.5, 2.7);
    }

    @Test
    void referencePredictsSeveralDifferentClasses() {
        TinyVitReference reference = TinyVitBuilder.deitLike().reference();
        int[] predicted = reference.predict(SyntheticImages.batch(reference.config(), 0, 24), 24);
        assertThat(Arrays.stream(predicted).distinct().count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void writesClassFoldersLabelledByTheReferenceModel() throws Exception {
        TinyVitConfig c = TinyVitBuilder.deitLike().config();
        List<LabeledImage> images = SyntheticImages.write(dir, c, 3, 6, ImageLayout.FOLDER_PER_CLASS);
        assertThat(images).hasSize(6);
        for (int k = 0; k < 10; k++) {
            assertThat(dir.resolve(SyntheticImages.className(k, 10))).isDirectory();
        }
        TinyVitReference reference = new TinyVitReference(c);
        int previous = -1;
        for (LabeledImage img : images) {
            assertThat(img.index()).isGreaterThan(previous);
            previous = img.index();
            int[] pixels = SyntheticImages.pixels(3, img.index(), 3, 32, 32);
            assertThat(readBack(img.file(), 32)).isEqualTo(pixels);
            float[] input = new float[pixels.length];
            SyntheticImages.normalize(pixels, 3, input, 0);
            float[] logits = reference.logits(input, 1);
            assertThat(img.label()).isEqualTo(TinyVitReference.argmax(logits, 1, 10)[0]);
            float best = logits[img.label()];
            for (int k = 0; k < 10; k++) {
                if (k != img.label()) {
                    assertThat(best - logits[k]).isGreaterThanOrEqualTo(SyntheticImages.MIN_LABEL_MARGIN);
                }
            }
            assertThat(img.file().getParent().getFileName().toString()).isEqualTo(img.className())
                    .isEqualTo("class_0" + img.label());
        }
    }

    @Test
    void normalizationUsesImagenetStatisticsForRgb() {
        assertThat(SyntheticImages.mean(3)).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(SyntheticImages.std(3)).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(SyntheticImages.mean(1)).containsExactly(0.5f);
        float[] out = new float[3];
        SyntheticImages.normalize(new int[] {255, 0, 128}, 3, out, 0);
        assertThat(out[0]).isEqualTo((1f - 0.485f) / 0.229f);
        assertThat(out[1]).isEqualTo((0f - 0.456f) / 0.224f);
    }

    @Test
    void writesAFlatFolderWithALabelsFile() throws Exception {
        TinyVitConfig c = TinyVitBuilder.deitLike().style(ExportStyle.HUGGING_FACE).seed(4).config();
        List<LabeledImage> images = SyntheticImages.write(dir, c, 1, 4, ImageLayout.FLAT_WITH_LABELS);
        List<String> lines = Files.readAllLines(dir.resolve("labels.txt"));
        assertThat(lines).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(lines.get(i)).isEqualTo(images.get(i).file().getFileName() + " " + images.get(i).label());
            assertThat(images.get(i).file().getParent()).isEqualTo(dir);
            assertThat(images.get(i).file()).exists();
        }
        assertThat(lines.get(0)).startsWith("img_0000.png ");
    }

    private static int[] readBack(Path png, int size) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(size);
        int[] chw = new int[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = image.getRGB(x, y);
                chw[y * size + x] = (rgb >> 16) & 0xFF;
                chw[size * size + y * size + x] = (rgb >> 8) & 0xFF;
                chw[2 * size * size + y * size + x] = rgb & 0xFF;
            }
        }
        return chw;
    }
}
