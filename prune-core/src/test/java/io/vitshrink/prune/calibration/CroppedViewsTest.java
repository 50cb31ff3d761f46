package io.vitshrink.prune.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CroppedViewsTest {
    private static final int H = 6;
    private static final int W = 8;

    @Test
    void theWholeImageUnmirroredIsTheImageAndMirroredItsMirror() {
        float[] img = ramp(2, (c, y, x) -> 100 * c + 10 * y + x);
        float[] same = new float[img.length];
        CroppedViews.view(img, 0, 2, H, W, new CroppedViews.Crop(0, 0, H, W, false), same, 0);
        assertThat(same).containsExactly(img);
        float[] mirrored = new float[img.length];
        CroppedViews.view(img, 0, 2, H, W, new CroppedViews.Crop(0, 0, H, W, true), mirrored, 0);
        assertThat(mirrored[1 * H * W + 2 * W + 0]).isEqualTo(img[1 * H * W + 2 * W + (W - 1)]);
        assertThat(mirrored[3 * W + 5]).isEqualTo(img[3 * W + 2]);
    }

    /** Bilinear interpolation reproduces a linear function exactly inside the image. */
    @Test
    void aCropOfALinearRampIsTheRampItsCoordinatesMapTo() {
        float[] img = ramp(1, (c, y, x) -> 3 * y + 0.5f * x);
        CroppedViews.Crop crop = new CroppedViews.Crop(1.5, 2, 3, 4, false);
        float[] out = new float[img.length];
        CroppedViews.view(img, 0, 1, H, W, crop, out, 0);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double sy = 1.5 + (y + 0.5) * 3 / H - 0.5;
                double sx = 2 + (x + 0.5) * 4 / W - 0.5;
                assertThat(out[y * W + x]).as("(%d, %d)", y, x).isCloseTo((float) (3 * sy + 0.5 * sx), within(1e-4f));
            }
        }
    }

    @Test
    void cropsStayInsideTheImageWithHalfToAllOfItsArea() {
        SplittableRandom r = new SplittableRandom(1);
        int mirrored = 0;
        for (int i = 0; i < 2000; i++) {
            CroppedViews.Crop c = CroppedViews.crop(r, 224, 224);
            assertThat(c.top()).isBetween(0.0, 224 - c.height());
            assertThat(c.left()).isBetween(0.0, 224 - c.width());
            double area = c.height() * c.width() / (224.0 * 224);
            // clipping one side to the image only happens when area > ratio ≥ 3/4, so the crop keeps ≥ 50%
            assertThat(area).isBetween(CroppedViews.MIN_AREA - 1e-9, 1.0);
            mirrored += c.mirror() ? 1 : 0;
        }
        assertThat(mirrored).isBetween(900, 1100);
    }

    /** The originals come first, each view group follows, and a second pass gives the same views. */
    @Test
    void batchesGrowByTheirViewsAndEveryPassRepeatsThem() {
        float[] two = new float[2 * 2 * H * W];
        for (int i = 0; i < two.length; i++) {
            two[i] = (float) Math.sin(i);
        }
        CalibrationImages views = CroppedViews.of(CalibrationImages.of(two, new long[] {2, 2, H, W}), 3, 5);
        float[] first;
        try (CalibrationImages.Pass pass = views.open()) {
            CalibrationImages.Batch b = pass.next();
            assertThat(b.shape()).containsExactly(8, 2, H, W);
            first = b.pixels();
            for (int i = 0; i < two.length; i++) {
                assertThat(first[i]).isEqualTo(two[i]);
            }
            assertThat(java.util.Arrays.copyOfRange(first, two.length, 2 * two.length)).isNotEqualTo(two);
        }
        try (CalibrationImages.Pass pass = views.open()) {
            assertThat(pass.next().pixels()).containsExactly(first);
        }
    }

    private interface Pixel {
        float at(int c, int y, int x);
    }

    private static float[] ramp(int channels, Pixel p) {
        float[] a = new float[channels * H * W];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    a[c * H * W + y * W + x] = p.at(c, y, x);
                }
            }
        }
        return a;
    }
}
