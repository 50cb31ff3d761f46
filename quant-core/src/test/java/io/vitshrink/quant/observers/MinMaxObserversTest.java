package io.vitshrink.quant.observers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import org.junit.jupiter.api.Test;

class MinMaxObserversTest {

    private static final UniformSpec U8 = UniformSpec.activations(8);

    @Test
    void minMaxIsExactAndIndependentOfBatching() {
        float[] x = Samples.gaussian(197 * 192 * 4, 0.3, 2, 1);
        MinMaxObserver one = new MinMaxObserver("t");
        one.update(x, new long[] {4, 197, 192});
        MinMaxObserver many = new MinMaxObserver("t");
        Samples.feed(many, x, 192, 7);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(one.range(U8)).isEqualTo(new ClippingRange(min, max));
        assertThat(many.range(U8)).isEqualTo(one.range(U8));
        assertThat(many.params(U8)).isEqualTo(one.params(U8));
        assertThat(one.images()).isEqualTo(4);
    }

    @Test
    void uniformNegativeOnlyConstantAndSingleElement() {
        MinMaxObserver u = new MinMaxObserver("u");
        u.update(new float[] {0.25f, -0.5f, 0.75f, 0f}, new long[] {1, 4});
        assertThat(u.range(U8)).isEqualTo(new ClippingRange(-0.5f, 0.75f));

        MinMaxObserver neg = new MinMaxObserver("neg");
        Samples.feed(neg, Samples.uniform(1000, -3, -1, 2), 10, 5);
        ClippingRange r = neg.range(U8);
        assertThat(r.hi()).isLessThan(-1f).isGreaterThan(-1.01f);
        UniformParams p = neg.params(U8); // widened to include 0: the zero point sits at qmax
        assertThat(p.zeroPoint()[0]).isEqualTo(255);

        MinMaxObserver c = new MinMaxObserver("c");
        c.update(new float[] {2f, 2f, 2f}, new long[] {3});
        assertThat(c.range(U8)).isEqualTo(new ClippingRange(2f, 2f));
        assertThat(c.params(U8).scale()[0]).isEqualTo(2f / 255);

        MinMaxObserver one = new MinMaxObserver("one");
        one.update(new float[] {-1.5f}, new long[] {1, 1});
        assertThat(one.range(U8)).isEqualTo(new ClippingRange(-1.5f, -1.5f));
        MinMaxObserver zero = new MinMaxObserver("zero");
        zero.update(new float[] {0f}, new long[] {1});
        assertThat(zero.params(U8).scale()[0]).isEqualTo(UniformParams.MIN_SCALE);
    }

    @Test
    void movingAverageMatchesHandComputation() {
        MovingAverageMinMaxObserver o = new MovingAverageMinMaxObserver("ema");
        o.update(new float[] {-1, 0.5f, 2}, new long[] {1, 3});
        o.update(new float[] {-3, 1}, new long[] {1, 2});
        o.update(new float[] {0, 5}, new long[] {1, 2});
        double min = -1;
        double max = 2;
        min = 0.9 * min + 0.1 * -3;
        max = 0.9 * max + 0.1 * 1;
        min = 0.9 * min + 0.1 * 0;
        max = 0.9 * max + 0.1 * 5;
        ClippingRange r = o.range(U8);
        assertThat((double) r.lo()).isCloseTo(min, within(1e-6));
        assertThat((double) r.hi()).isCloseTo(max, within(1e-6));
        assertThat(min).isCloseTo(-1.08, within(1e-12));
        assertThat(max).isCloseTo(2.21, within(1e-12));

        MovingAverageMinMaxObserver lastOnly = new MovingAverageMinMaxObserver("x", 0);
        lastOnly.update(new float[] {-9, 9}, new long[] {2});
        lastOnly.update(new float[] {-1, 1}, new long[] {2});
        assertThat(lastOnly.range(U8)).isEqualTo(new ClippingRange(-1, 1));
    }

    @Test
    void nanAndInfAreNamedUserErrors() {
        for (ObserverKind kind : ObserverKind.values()) {
            ActivationObserver o = kind.create("blocks.3/attn/Softmax_output_0");
            o.update(new float[] {1, 2, 3, 4}, new long[] {2, 2});
            assertThatThrownBy(() -> o.update(new float[] {1, Float.NaN, 3, 4, 5, 6}, new long[] {3, 2}))
                    .isInstanceOf(UserException.class)
                    .hasMessage("activation 'blocks.3/attn/Softmax_output_0' contains NaN/Inf after 5 images; "
                            + "the model or its inputs are broken");
            ActivationObserver p = kind.create("y");
            assertThatThrownBy(() -> p.update(new float[] {Float.NEGATIVE_INFINITY}, new long[] {1}))
                    .isInstanceOf(UserException.class).hasMessageContaining("'y' contains NaN/Inf after 1 images");
        }
    }

    @Test
    void noDataShapeMismatchAndPerChannelSpecsAreRejected() {
        MinMaxObserver o = new MinMaxObserver("t");
        assertThatThrownBy(() -> o.params(U8)).isInstanceOf(UserException.class).hasMessageContaining("'t' was never observed");
        assertThatThrownBy(() -> o.update(new float[3], new long[] {2, 2})).isInstanceOf(IllegalArgumentException.class);
        o.update(new float[] {1, 2}, new long[] {1, 2});
        UniformSpec perChannel = new UniformSpec(8, true, true, Granularity.PER_CHANNEL, 0);
        assertThatThrownBy(() -> o.params(perChannel)).isInstanceOf(UserException.class).hasMessageContaining("per tensor");
    }
}
