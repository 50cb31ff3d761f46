package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.quant.observers.PercentileObserver;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * FPCS on data shaped like a ViT Linear input (post-LayerNorm: a Gaussian body, a heavy one-sided tail
 * from a few outlier channels) beats the plain percentile range and the min/max grid on the consuming
 * product's error, never loses to the range it is seeded with, and scores a right operand (k, V) as
 * the product's own error.
 */
class FpcsSearchTest {
    static final long[] X_SHAPE = {4, 50, 64};
    static final long[] W_SHAPE = {64, 96};

    /** Heavy-tailed, asymmetric activations: Student-t-like body, a few channels with large positive values. */
    static float[] heavyTailed(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[4 * 50 * 64];
        for (int i = 0; i < x.length; i++) {
            int channel = i % 64;
            double chi = 0;
            for (int k = 0; k < 3; k++) {
                double g = r.nextGaussian();
                chi += g * g;
            }
            double t = r.nextGaussian() / Math.sqrt(chi / 3); // Student-t, 3 degrees of freedom
            x[i] = (float) (channel < 3 ? 4 + 3 * Math.abs(t) : 0.6 * t - 0.2);
        }
        return x;
    }

    static ConsumerProduct linear(long seed) {
        SplittableRandom r = new SplittableRandom(seed + 100);
        float[] w = new float[64 * 96];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.1 * r.nextGaussian());
        }
        return ConsumerProduct.of(heavyTailed(seed), X_SHAPE, w, W_SHAPE);
    }

    static UniformActivationQuantizer percentile(float[] x, int bits) {
        PercentileObserver o = new PercentileObserver("x");
        o.update(x, new long[] {x.length});
        return new UniformActivationQuantizer(o.params(UniformSpec.activations(bits)));
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {4, 6, 8})
    void beatsThePercentileRangeAndMinMaxOnHeavyTailedData(int bits) {
        ConsumerProduct p = linear(bits);
        UniformActivationQuantizer pct = percentile(p.activations(), bits);
        UniformActivationQuantizer found = FpcsSearch.search(p, bits, null);
        double e = p.error(found);
        assertThat(e).as("FPCS vs percentile").isLessThan(p.error(pct));
        assertThat(e).as("FPCS vs min/max").isLessThan(p.error(UniformSearch.minMax(p, bits)));
        assertThat(found.bits()).isEqualTo(bits);
        assertThat(found.params().spec()).isEqualTo(UniformSpec.activations(bits));
    }

    @Test
    void neverLosesToItsSeed() {
        ConsumerProduct p = linear(21);
        // a seed better than anything on the grid: the result of a first search, refined once more
        UniformActivationQuantizer first = FpcsSearch.search(p, 4, null);
        UniformActivationQuantizer again = FpcsSearch.search(p, 4, first);
        assertThat(p.error(again)).isLessThanOrEqualTo(p.error(first));
        UniformActivationQuantizer pct = percentile(p.activations(), 4);
        assertThat(p.error(FpcsSearch.search(p, 4, pct))).isLessThanOrEqualTo(p.error(pct));
    }

    @Test
    void aRightOperandIsScoredOnTheProductItFeeds() {
        SplittableRandom r = new SplittableRandom(5);
        long[] lShape = {2, 3, 10, 12};
        long[] xShape = {2, 3, 12, 7};
        float[] l = new float[2 * 3 * 10 * 12];
        float[] x = new float[2 * 3 * 12 * 7];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() + 0.5);
        }
        ConsumerProduct p = ConsumerProduct.ofRight(l, lShape, x, xShape);
        UniformActivationQuantizer q = UniformActivationQuantizer.ofRange(3, -1.5f, 2.5f);
        float[] xHat = UniformQuantizer.fakeQuantize(x, new long[] {x.length}, q.params());
        // direct: mean over the 2·3·10·7 outputs of (L·(X̂ − X))²
        double s = 0;
        for (int b = 0; b < 6; b++) {
            for (int i = 0; i < 10; i++) {
                for (int j = 0; j < 7; j++) {
                    double y = 0;
                    for (int k = 0; k < 12; k++) {
                        y += (double) l[b * 120 + i * 12 + k] * ((double) xHat[b * 84 + k * 7 + j] - x[b * 84 + k * 7 + j]);
                    }
                    s += y * y;
                }
            }
        }
        assertThat(p.error(q)).isCloseTo(s / (6 * 10 * 7), org.assertj.core.data.Offset.offset(1e-6 * s / 420 + 1e-12));
        assertThat(p.size()).isEqualTo(x.length);
    }

    @Test
    void theSearchedParametersAreAValidUniformGrid() {
        UniformParams params = FpcsSearch.search(linear(3), 4, null).params();
        assertThat(params.count()).isEqualTo(1);
        assertThat(params.scale()[0]).isPositive();
        assertThat(params.zeroPoint()[0]).isBetween(0, 15);
    }
}
