package io.vitshrink.data.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    @TempDir
    Path dir;

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void decodesRgbJpegCloseToTheSource() throws Exception {
        BufferedImage source = TestImages.gradient(40, 30);
        RgbImage img = decoder.decode(TestImages.writeJpeg(dir.resolve("a.jpg"), source));

        assertThat(img.width()).isEqualTo(40);
        assertThat(img.height()).isEqualTo(30);
        assertThat(maxDifference(img, source)).isLessThanOrEqualTo(12); // JPEG is lossy, but not that lossy
    }

    @Test
    void pngIsLosslessIncludingPaletteAndAlpha() throws Exception {
        BufferedImage source = TestImages.gradient(17, 9);
        assertThat(maxDifference(decoder.decode(TestImages.writePng(dir.resolve("a.png"), source)), source)).isZero();

        BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00112233); // fully transparent: Pillow's convert("RGB") keeps the colour
        RgbImage fromArgb = decoder.decode(TestImages.writePng(dir.resolve("alpha.png"), argb));
        assertThat(new int[] {fromArgb.get(0, 0, 0), fromArgb.get(0, 0, 1), fromArgb.get(0, 0, 2)})
                .containsExactly(0x11, 0x22, 0x33);

        byte[] red = {(byte) 250, 0};
        byte[] green = {10, (byte) 200};
        byte[] blue = {20, 30};
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, red, green, blue));
        indexed.getRaster().setSample(1, 0, 0, 1);
        RgbImage fromPalette = decoder.decode(TestImages.writePng(dir.resolve("palette.png"), indexed));
        assertThat(new int[] {fromPalette.get(1, 0, 0), fromPalette.get(1, 0, 1), fromPalette.get(1, 0, 2)})
                .containsExactly(0, 200, 30);
    }

    @Test
    void sixteenBitPngKeepsTheHighByteLikePillow() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0x1234);
        img.getRaster().setSample(1, 0, 0, 0xFFFF);
        RgbImage decoded = decoder.decode(TestImages.writePng(dir.resolve("deep.png"), img));

        assertThat(decoded.get(0, 0, 0)).isEqualTo(0x12);
        assertThat(decoded.get(1, 0, 2)).isEqualTo(0xFF);
    }

    @Test
    void grayscaleBecomesThreeEqualChannelsWithoutGammaConversion() throws Exception {
        BufferedImage gray = TestImages.gray(20, 10);
        RgbImage png = decoder.decode(TestImages.writePng(dir.resolve("g.png"), gray));
        RgbImage jpg = decoder.decode(TestImages.writeJpeg(dir.resolve("g.jpg"), gray));

        for (RgbImage img : new RgbImage[] {png, jpg}) {
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 20; x++) {
                    assertThat(img.get(x, y, 1)).isEqualTo(img.get(x, y, 0));
                    assertThat(img.get(x, y, 2)).isEqualTo(img.get(x, y, 0));
                }
            }
        }
        // Java 2D would map linear gray 100 to about 168 in sRGB; Pillow copies the value.
        assertThat(png.get(10, 5, 0)).isEqualTo(gray.getRaster().getSample(10, 5, 0));
    }

    @Test
    void recognisesFormatByContentNotByExtension() throws Exception {
        BufferedImage source = TestImages.gradient(12, 8);
        Path disguised = dir.resolve("n01440764_actually_png.JPEG");
        Files.write(disguised, TestImages.encode(source, "png"));

        assertThat(maxDifference(decoder.decode(disguised), source)).isZero();
    }

    @Test
    void bmpDecodes() throws Exception {
        BufferedImage source = TestImages.gradient(5, 4);
        Path bmp = TestImages.writeBytes(dir.resolve("a.bmp"), TestImages.encode(source, "bmp"));

        assertThat(maxDifference(decoder.decode(bmp), source)).isZero();
    }

    @Test
    void cmykJpegIsConvertedLikePillow() throws Exception {
        // Pillow reads every 4-component JPEG as inverted CMYK (Adobe's convention), so stored
        // (55, 255, 255, 255) means c = 200, m = y = k = 0: r = 255 - 200 = 55, g = b = 255.
        Path file = TestImages.writeCmykJpeg(dir.resolve("cmyk.jpg"), 16, 16, new int[] {55, 255, 255, 255});
        RgbImage img = decoder.decode(file);

        assertThat(img.get(8, 8, 0)).isBetween(52, 58);
        assertThat(img.get(8, 8, 1)).isBetween(252, 255);
        assertThat(img.get(8, 8, 2)).isBetween(252, 255);
    }

    @Test
    void zeroByteFileIsUnreadable() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jpg"));

        assertThatThrownBy(() -> decoder.decode(empty))
                .isInstanceOf(UnreadableImageException.class)
                .satisfies(e -> assertThat(((UnreadableImageException) e).reason()).contains("empty file"));
    }

    @Test
    void textFileNamedJpgIsUnreadable() {
        Path text = TestImages.writeText(dir.resolve("notes.jpg"), "these are not pixels\n");

        assertThatThrownBy(() -> decoder.decode(text))
                .isInstanceOf(UnreadableImageException.class)
                .satisfies(e -> assertThat(((UnreadableImageException) e).reason()).contains("not an image"));
    }

    @Test
    void truncatedJpegIsUnreadable() {
        Path cut = TestImages.writeTruncatedJpeg(dir.resolve("cut.jpg"), 0.5);

        assertThatThrownBy(() -> decoder.decode(cut))
                .isInstanceOf(UnreadableImageException.class)
                .satisfies(e -> assertThat(((UnreadableImageException) e).reason()).contains("truncated"));
    }

    @Test
    void truncatedPngIsUnreadable() {
        byte[] png = TestImages.encode(TestImages.gradient(64, 64), "png");
        Path cut = TestImages.writeBytes(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));

        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(UnreadableImageException.class);
    }

    @Test
    void missingFileIsUnreadable() {
        assertThatThrownBy(() -> decoder.decode(dir.resolve("nope.jpg")))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("file not found");
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() {
        Path bomb = TestImages.writeBombPng(dir.resolve("bomb.png"), 100_000, 100_000);

        long start = System.nanoTime();
        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOf(UnreadableImageException.class)
                .satisfies(e -> assertThat(((UnreadableImageException) e).reason())
                        .contains("100000x100000").contains("10000.0 megapixels").contains("100.0-megapixel budget"));
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0); // refused before any allocation
    }

    @Test
    void pixelBudgetIsConfigurable() throws Exception {
        Path file = TestImages.writePng(dir.resolve("small.png"), TestImages.gradient(20, 10));

        assertThat(new ImageDecoder(200).decode(file).width()).isEqualTo(20);
        assertThatThrownBy(() -> new ImageDecoder(199).decode(file))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("budget");
    }

    private static int maxDifference(RgbImage img, BufferedImage source) {
        int max = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int rgb = source.getRGB(x, y);
                max = Math.max(max, Math.abs(img.get(x, y, 0) - ((rgb >> 16) & 0xff)));
                max = Math.max(max, Math.abs(img.get(x, y, 1) - ((rgb >> 8) & 0xff)));
                max = Math.max(max, Math.abs(img.get(x, y, 2) - (rgb & 0xff)));
            }
        }
        return max;
    }
}
