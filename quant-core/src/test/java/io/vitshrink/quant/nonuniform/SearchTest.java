package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The searches lower the consumer-product error below their unsearched defaults on power-law data, the
 * non-uniform quantizers beat the searched uniform grid at 4 bits, and the auto selector picks a
 * log-type quantizer for softmax at 4 bits while reporting every candidate's error.
 */
class SearchTest {
    static final long[] A_SHAPE = {2, 3, 64, 64};
    static final long[] V_SHAPE = {2, 3, 64, 32};
    static final long[] X_SHAPE = {2, 64, 128};
    static final long[] W_SHAPE = {128, 48};

    /** Softmax rows {@code A} and values {@code V} of {@code A·V}. */
    static ConsumerProduct attention(long seed) {
        float[] a = Samples.softmax(seed, 2 * 3 * 64, 64);
        return ConsumerProduct.of(a, A_SHAPE, Samples.gaussian(seed + 1, 2 * 3 * 64 * 32, 1), V_SHAPE);
    }

    /** GELU outputs {@code X} and the fc2 weight {@code W} of {@code X·W}. */
    static ConsumerProduct mlp(long seed) {
        return ConsumerProduct.of(Samples.gelu(seed, 2 * 64 * 128, 1.0), X_SHAPE, Samples.gaussian(seed + 1, 128 * 48, 0.1), W_SHAPE);
    }

    @Test
    void adaLogSearchBeatsItsDefaultAndUniform() {
        float[] a = Samples.softmax(7, 2 * 3 * 64, 64);
        float[] v = Samples.gaussian(8, 2 * 3 * 64 * 32, 1);
        ConsumerProduct p = ConsumerProduct.of(a, A_SHAPE, v, V_SHAPE);
        for (int bits : List.of(3, 4, 6)) {
            AdaLogQuantizer searched = AdaLogSearch.search(a, A_SHAPE, v, V_SHAPE, bits);
            assertThat(searched.r()).isEqualTo(37);
            assertThat(searched.shift()).isZero();
            assertThat(p.error(searched)).as("%d bits", bits).isLessThan(p.error(AdaLogSearch.initial(p, bits)));
        }
        assertThat(p.error(AdaLogSearch.search(p, 4))).isLessThan(p.error(UniformSearch.search(p, 4)));

        ConsumerProduct gelu = mlp(9);
        AdaLogQuantizer shifted = AdaLogSearch.search(gelu, 4);
        assertThat(shifted.shift()).isEqualTo(-gelu.range()[0]).isBetween(0.1699f, 0.17f);
        assertThat(gelu.error(shifted)).isLessThan(gelu.error(AdaLogSearch.initial(gelu, 4)));
        assertThat(gelu.error(shifted)).isLessThan(gelu.error(UniformSearch.search(gelu, 4)));
    }

    @Test
    void twinUniformSearchBeatsItsDefault() {
        ConsumerProduct softmax = attention(11);
        ConsumerProduct gelu = mlp(12);
        for (int bits : List.of(4, 6)) {
            TwinUniformQuantizer s = TwinUniformSearch.search(softmax, bits);
            assertThat(s.mode()).isEqualTo(TwinUniformQuantizer.Mode.SOFTMAX);
            assertThat(Math.getExponent(s.split())).as("a power-of-two split").isEqualTo((int) Math.floor(Math.log(s.split()) / Math.log(2)));
            assertThat(softmax.error(s)).isLessThan(softmax.error(TwinUniformSearch.initial(softmax, bits)));
            TwinUniformQuantizer g = TwinUniformSearch.search(gelu, bits);
            assertThat(g.mode()).isEqualTo(TwinUniformQuantizer.Mode.SIGNED);
            assertThat(g.delta1() * g.perRegion()).isEqualTo(-gelu.range()[0], org.assertj.core.data.Offset.offset(1e-7f));
            assertThat(gelu.error(g)).isLessThan(gelu.error(TwinUniformSearch.initial(gelu, bits)));
        }
        assertThat(softmax.error(TwinUniformSearch.search(softmax, 4))).isLessThan(softmax.error(UniformSearch.search(softmax, 4)));
    }

    @Test
    void logScaleSearchNeverLosesToTheDefault() {
        for (ConsumerProduct p : List.of(attention(21), mlp(22))) {
            float[] init = LogSearch.initialScaleAndShift(p);
            for (int bits : List.of(4, 6)) {
                assertThat(p.error(LogSearch.log2(p, bits))).isLessThanOrEqualTo(p.error(new Log2Quantizer(bits, init[0], init[1])));
                assertThat(p.error(LogSearch.logSqrt2(p, bits)))
                        .isLessThanOrEqualTo(p.error(new LogSqrt2Quantizer(bits, init[0], init[1])));
            }
        }
        ConsumerProduct softmax = attention(24);
        double uniform = softmax.error(UniformSearch.search(softmax, 4));
        assertThat(softmax.error(LogSearch.logSqrt2(softmax, 4))).isLessThan(uniform);
    }

    @Test
    void uniformSearchBeatsMinMax() {
        ConsumerProduct gelu = mlp(31);
        assertThat(gelu.error(UniformSearch.search(gelu, 4))).isLessThan(gelu.error(UniformSearch.minMax(gelu, 4)));
    }

    @Test
    void autoSelectorPicksALogQuantizerForSoftmaxAtFourBits() {
        ConsumerProduct p = attention(41);
        AutoSelector.Selection s = AutoSelector.select(p, 4);
        assertThat(s.errors()).containsOnlyKeys(NonUniformQuantizer.KINDS);
        assertThat(s.candidates()).extracting(AutoSelector.Candidate::kind).containsExactlyElementsOf(NonUniformQuantizer.KINDS);
        assertThat(s.chosen().kind()).isIn(NonUniformQuantizer.LOG2, NonUniformQuantizer.LOG_SQRT2, NonUniformQuantizer.ADALOG);
        double min = s.errors().values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertThat(p.error(s.chosen())).isEqualTo(min);
        assertThat(s.errors().get(NonUniformQuantizer.UNIFORM)).isGreaterThan(min);
        s.candidates().forEach(c -> assertThat(c.relativeError()).isEqualTo(c.error() / p.referenceMeanSquare()));
    }

    @Test
    void autoSelectorSkipsLogKindsAboveEightBits() {
        AutoSelector.Selection s = AutoSelector.select(mlp(51), 10);
        assertThat(s.errors()).containsOnlyKeys(NonUniformQuantizer.UNIFORM, NonUniformQuantizer.TWIN_UNIFORM);
    }
}
