package io.vitshrink.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.data.images.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
    private static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[i * 3] = (byte) r;
            rgb[i * 3 + 1] = (byte) g;
            rgb[i * 3 + 2] = (byte) b;
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void normalizesInFloat32LikeTorchvision() {
        float[] t = new Preprocessor(RecipePresets.IMAGENET_DEIT).apply(solid(300, 260, 128, 64, 255));

        assertThat(t).hasSize(3 * 224 * 224);
        int plane = 224 * 224;
        assertThat(t[0]).isEqualTo((128 / 255f - 0.485f) / 0.229f);
        assertThat(t[plane + 5]).isEqualTo((64 / 255f - 0.456f) / 0.224f);
        assertThat(t[2 * plane + plane - 1]).isEqualTo((255 / 255f - 0.406f) / 0.225f);
    }

    @Test
    void bgrSwapsThePlanes() {
        PreprocessRecipe rgb = RecipeReader.parse("base: imagenet-inception", "r.yaml");
        PreprocessRecipe bgr = RecipeReader.parse("base: imagenet-inception\nchannel_order: BGR", "r.yaml");
        RgbImage img = solid(250, 250, 255, 0, 0);
        int plane = 224 * 224;

        assertThat(new Preprocessor(rgb).apply(img)[0]).isEqualTo(1f);
        assertThat(new Preprocessor(bgr).apply(img)[2 * plane]).isEqualTo(1f);
        assertThat(new Preprocessor(bgr).apply(img)[0]).isEqualTo(-1f);
    }

    @Test
    void cropsTheCenterOfTheResizedImage() {
        // A 512x256 image whose left half is black, right half white; resized to 512x256 (no change),
        // the 224 crop starts at x = 144, so its columns 0..111 are black and 112..223 white.
        byte[] rgb = new byte[512 * 256 * 3];
        for (int y = 0; y < 256; y++) {
            Arrays.fill(rgb, (y * 512 + 256) * 3, (y * 512 + 512) * 3, (byte) 255);
        }
        RgbImage crop = new Preprocessor(RecipePresets.IMAGENET_DEIT).resizeAndCrop(new RgbImage(512, 256, rgb));

        assertThat(crop.width()).isEqualTo(224);
        assertThat(crop.get(111, 100, 0)).isZero();
        assertThat(crop.get(112, 100, 0)).isEqualTo(255);
    }

    @Test
    void padsWithZerosWhenTheResizeIsSmallerThanTheCrop() {
        PreprocessRecipe r = RecipeReader.parse("base: imagenet-deit\nresize: 100\ncrop: 103", "r.yaml");
        RgbImage out = new Preprocessor(r).resizeAndCrop(solid(100, 100, 200, 200, 200));

        assertThat(out.width()).isEqualTo(103);
        assertThat(out.get(0, 50, 0)).isZero();       // one pixel of padding before
        assertThat(out.get(1, 50, 0)).isEqualTo(200);
        assertThat(out.get(100, 50, 0)).isEqualTo(200);
        assertThat(out.get(101, 50, 0)).isZero();     // two after
        assertThat(out.get(102, 50, 0)).isZero();
    }

    @Test
    void tensorValuesStayWithinTheNormalizedRange() {
        SplittableRandom random = new SplittableRandom(3);
        Preprocessor p = new Preprocessor(RecipePresets.IMAGENET_DEIT);
        float[] mean = RecipePresets.IMAGENET_DEIT.mean();
        float[] std = RecipePresets.IMAGENET_DEIT.std();
        for (int trial = 0; trial < 5; trial++) {
            int w = 50 + random.nextInt(400);
            int h = 50 + random.nextInt(400);
            byte[] rgb = new byte[w * h * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) random.nextInt(256);
            }
            float[] t = p.apply(new RgbImage(w, h, rgb));
            for (int c = 0; c < 3; c++) {
                float low = (0f - mean[c]) / std[c];
                float high = (1f - mean[c]) / std[c];
                for (int i = c * 224 * 224; i < (c + 1) * 224 * 224; i++) {
                    assertThat(t[i]).isBetween(low, high);
                }
            }
        }
    }
}
