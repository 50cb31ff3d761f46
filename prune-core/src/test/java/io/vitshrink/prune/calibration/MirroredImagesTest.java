package io.vitshrink.prune.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MirroredImagesTest {

    @Test
    void eachBatchIsFollowedByTheHorizontalMirrorOfItsImages() {
        // 2 images × 2 channels × 2 rows × 3 columns, each value its row-major index
        float[] px = new float[2 * 2 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = i;
        }
        CalibrationImages mirrored = CalibrationImages.withMirrors(CalibrationImages.of(px, new long[] {2, 2, 2, 3}));
        try (CalibrationImages.Pass pass = mirrored.open()) {
            CalibrationImages.Batch b = pass.next();
            assertThat(b.shape()).containsExactly(4, 2, 2, 3);
            float[] p = b.pixels();
            for (int i = 0; i < px.length; i++) {
                assertThat(p[i]).isEqualTo(px[i]); // the originals first, unchanged
            }
            // image 0 channel 0 row 0 was 0 1 2; its mirror (image 2 of the batch) reads 2 1 0
            assertThat(new float[] {p[24], p[25], p[26]}).containsExactly(2, 1, 0);
            // image 1 channel 1 row 1 was 21 22 23 (offset 12 + 6 + 3); mirrored at 24 + 21
            assertThat(new float[] {p[45], p[46], p[47]}).containsExactly(23, 22, 21);
            assertThat(pass.hasNext()).isFalse();
        }
    }
}
