package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputMixerTest {
    private static final int PER = 6;

    /** Image j holds the value j + 1 everywhere, so a blend of a and b is λ(a + 1) + (1 − λ)(b + 1) in every entry. */
    private static ImageValues constantImages(int n) {
        float[] d = new float[n * PER];
        for (int i = 0; i < d.length; i++) {
            d[i] = i / PER + 1;
        }
        return new ImageValues(d, n, 2, 3);
    }

    @Test
    void theLastShareOfTheBatchIsBlendedWithOtherPoolImages() {
        ImageValues x = constantImages(8);
        java.util.Arrays.fill(x.data(), 6 * PER, 8 * PER, 1000f); // images 6 and 7 held out: never a partner
        int[] pool = {0, 1, 2, 3, 4, 5};
        InputMixer mixer = new InputMixer(0.5, 3);
        assertThat(mixer.mixed(16)).isEqualTo(8);
        assertThat(mixer.mixed(4)).isEqualTo(2);
        for (int round = 0; round < 50; round++) {
            int[] images = {1, 4, 2, 3};
            float[] in = mixer.inputs(x, images, pool);
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < PER; k++) {
                    assertThat(in[i * PER + k]).isEqualTo(images[i] + 1f);
                }
            }
            for (int i = 2; i < 4; i++) {
                float v = in[i * PER];
                for (int k = 1; k < PER; k++) {
                    assertThat(in[i * PER + k]).as("one λ per image").isEqualTo(v);
                }
                // v = λ·(a + 1) + (1 − λ)·(b + 1) with b a pool image: inside [1, 6] (a held-out partner: near 1000)
                assertThat(v).isBetween(1f, 6f);
            }
        }
    }

    @Test
    void theSameSeedBlendsTheSameWay() {
        ImageValues x = constantImages(8);
        int[] pool = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] images = {0, 1, 2, 3};
        InputMixer a = new InputMixer(1, 5);
        InputMixer b = new InputMixer(1, 5);
        float[] first = a.inputs(x, images, pool);
        assertThat(b.inputs(x, images, pool)).containsExactly(first);
        assertThat(a.inputs(x, images, pool)).isNotEqualTo(first); // the stream moves on
        assertThat(new InputMixer(1, 6).inputs(x, images, pool)).isNotEqualTo(first);
    }

    @Test
    void anImageIsNotBlendedWithItself() {
        ImageValues x = constantImages(2);
        InputMixer mixer = new InputMixer(1, 1);
        for (int round = 0; round < 20; round++) {
            float[] in = mixer.inputs(x, new int[] {0}, new int[] {0, 1});
            // image 0 (value 1) blended with image 1 (value 2): 2 − λ > 1, as λ < 1; with itself it would stay 1
            assertThat(in[0]).isGreaterThan(1f).isLessThanOrEqualTo(2f);
            float[] again = mixer.inputs(x, new int[] {1}, new int[] {0, 1});
            assertThat(again[0]).isGreaterThanOrEqualTo(1f).isLessThan(2f);
        }
        assertThatThrownBy(() -> new InputMixer(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InputMixer(1.5, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
