package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitshrink.onnx.UserException;
import org.junit.jupiter.api.Test;

/** The objective: the mean squared error of the consuming product, with broadcast batch dimensions. */
class ConsumerProductTest {

    @Test
    void errorIsTheMeanSquaredErrorOfTheProduct() {
        float[] a = Samples.gaussian(1, 2 * 3 * 4 * 5, 1);
        float[] b = Samples.gaussian(2, 3 * 5 * 6, 1); // [3, 5, 6] broadcasts over A's batch of 2
        float[] aHat = a.clone();
        for (int i = 0; i < aHat.length; i += 3) {
            aHat[i] += 0.25f;
        }
        ConsumerProduct p = ConsumerProduct.of(a, new long[] {2, 3, 4, 5}, b, new long[] {3, 5, 6});
        assertThat(p.error(a)).isZero();
        double expected = 0;
        double ref = 0;
        for (int batch = 0; batch < 2; batch++) {
            for (int head = 0; head < 3; head++) {
                for (int m = 0; m < 4; m++) {
                    for (int n = 0; n < 6; n++) {
                        double y = 0;
                        double yHat = 0;
                        for (int k = 0; k < 5; k++) {
                            int ia = ((batch * 3 + head) * 4 + m) * 5 + k;
                            double bv = b[(head * 5 + k) * 6 + n];
                            y += a[ia] * bv;
                            yHat += aHat[ia] * bv;
                        }
                        expected += (yHat - y) * (yHat - y);
                        ref += y * y;
                    }
                }
            }
        }
        assertThat(p.error(aHat)).isCloseTo(expected / (2 * 3 * 4 * 6), within(1e-6));
        assertThat(p.referenceMeanSquare()).isCloseTo(ref / (2 * 3 * 4 * 6), within(1e-5));
        assertThat(p.rows()).isEqualTo(24);
    }

    @Test
    void aTransposedWeightGivesTheSameProduct() {
        float[] x = Samples.gaussian(3, 2 * 7 * 5, 1);
        float[] w = Samples.gaussian(4, 5 * 3, 1); // [in 5, out 3]
        float[] wt = new float[w.length];
        for (int i = 0; i < 5; i++) {
            for (int o = 0; o < 3; o++) {
                wt[o * 5 + i] = w[i * 3 + o];
            }
        }
        ConsumerProduct p = ConsumerProduct.ofLinear(x, new long[] {2, 7, 5}, w, new long[] {5, 3}, false);
        ConsumerProduct t = ConsumerProduct.ofLinear(x, new long[] {2, 7, 5}, wt, new long[] {3, 5}, true);
        Log2Quantizer q = Log2Quantizer.unit(3);
        assertThat(t.error(q)).isEqualTo(p.error(q));
        assertThat(p.subsample(5, 1).rows()).isEqualTo(5);
        assertThat(p.subsample(5, 1).error(q.fakeQuantize(p.subsample(5, 1).activations())))
                .isEqualTo(p.subsample(5, 1).error(q));
        assertThat(p.subsample(100, 1)).isSameAs(p);
    }

    @Test
    void shapesThatDoNotMultiplyAreRefused() {
        float[] a = new float[2 * 4 * 5];
        assertThatThrownBy(() -> ConsumerProduct.of(a, new long[] {2, 4, 5}, new float[6 * 3], new long[] {6, 3}))
                .isInstanceOf(UserException.class).hasMessageContaining("inner dimensions");
        assertThatThrownBy(() -> ConsumerProduct.of(a, new long[] {2, 4, 5}, new float[3 * 5 * 3], new long[] {3, 5, 3}))
                .isInstanceOf(UserException.class).hasMessageContaining("do not broadcast");
        assertThatThrownBy(() -> ConsumerProduct.of(a, new long[] {2, 4, 4}, new float[5 * 3], new long[] {5, 3}))
                .isInstanceOf(UserException.class).hasMessageContaining("has 40 values");
    }
}
