package io.vitshrink.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.observers.WeightRanges;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GptqTest {
    private static final int ROWS = 600;
    private static final int IN = 48;
    private static final int OUT = 20;

    /** Inputs with strongly correlated features (a random mixing of fewer latent factors, plus noise), like token features. */
    static float[] correlatedInputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int latent = 12;
        double[] mix = new double[latent * IN];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = r.nextGaussian();
        }
        float[] x = new float[ROWS * IN];
        double[] z = new double[latent];
        for (int row = 0; row < ROWS; row++) {
            for (int l = 0; l < latent; l++) {
                z[l] = r.nextGaussian();
            }
            for (int j = 0; j < IN; j++) {
                double v = 0.1 * r.nextGaussian() + (j % 7 == 0 ? 2 : 0);
                for (int l = 0; l < latent; l++) {
                    v += z[l] * mix[l * IN + j];
                }
                x[row * IN + j] = (float) v;
            }
        }
        return x;
    }

    /** A weight stored as given by the channel axis (0: [out, in], 1: [in, out]). */
    static float[] weight(long seed, int channelAxis) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[OUT * IN];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * (r.nextInt(10) == 0 ? 3 : 1)); // some larger weights, like real layers
        }
        return w;
    }

    static long[] dims(int channelAxis) {
        return channelAxis == 0 ? new long[] {OUT, IN} : new long[] {IN, OUT};
    }

    static double[] gram(float[] x) {
        double[] h = new double[IN * IN];
        for (int row = 0; row < ROWS; row++) {
            for (int i = 0; i < IN; i++) {
                for (int j = 0; j < IN; j++) {
                    h[i * IN + j] += (double) x[row * IN + i] * x[row * IN + j];
                }
            }
        }
        return h;
    }

    /** ‖X(W − Ŵ)ᵀ‖² with both weights in the stored layout. */
    static double outputError(float[] x, float[] w, float[] wHat, int channelAxis) {
        double s = 0;
        for (int row = 0; row < ROWS; row++) {
            for (int o = 0; o < OUT; o++) {
                double y = 0;
                for (int i = 0; i < IN; i++) {
                    int k = channelAxis == 0 ? o * IN + i : i * OUT + o;
                    y += x[row * IN + i] * ((double) w[k] - wHat[k]);
                }
                s += y * y;
            }
        }
        return s;
    }

    static UniformSpec spec(int bits, String granularity) {
        return UniformSpec.weights(bits, Granularity.parse(granularity), 16);
    }

    @ParameterizedTest(name = "W{0} {1} {2} axis {3}")
    @CsvSource({"4, per_channel, mse, 1", "4, per_group, mse, 1", "3, per_channel, minmax, 0", "4, per_group, minmax, 0",
        "8, per_tensor, mse, 1"})
    void layerOutputErrorIsBelowRoundToNearestOnCorrelatedInputs(int bits, String granularity, String range, int axis) {
        float[] x = correlatedInputs(3);
        float[] w = weight(5, axis);
        UniformSpec spec = spec(bits, granularity);
        WeightRangeMethod method = WeightRangeMethod.parse(range);
        float[] rtn = UniformQuantizer.fakeQuantize(w, dims(axis), WeightRanges.search(method, w, dims(axis), axis, spec));
        Gptq.Result g = Gptq.quantize(w, dims(axis), axis, spec, method, gram(x), Damping.DEFAULT);
        float[] gptq = UniformQuantizer.dequantize(g.levels(), dims(axis), g.params());
        double eRtn = outputError(x, w, rtn, axis);
        double eGptq = outputError(x, w, gptq, axis);
        assertThat(eGptq).as("GPTQ %s vs RTN %s", eGptq, eRtn).isLessThan(bits == 8 ? eRtn : 0.8 * eRtn);
    }

    @ParameterizedTest(name = "W{0} {1} axis {2}")
    @CsvSource({"4, per_channel, 1", "4, per_group, 0", "2, per_group, 1", "6, per_tensor, 0"})
    void levelsLieOnTheQuantizerGrid(int bits, String granularity, int axis) {
        float[] w = weight(9, axis);
        UniformSpec spec = spec(bits, granularity);
        Gptq.Result g = Gptq.quantize(w, dims(axis), axis, spec, WeightRangeMethod.MSE, gram(correlatedInputs(4)), 0.01);
        assertThat(java.util.Arrays.stream(g.levels()).min().getAsInt()).isGreaterThanOrEqualTo(spec.qmin());
        assertThat(java.util.Arrays.stream(g.levels()).max().getAsInt()).isLessThanOrEqualTo(spec.qmax());
        float[] values = UniformQuantizer.dequantize(g.levels(), dims(axis), g.params());
        // what QuantizeLinear of the replayed weight gives: exactly the levels (values are grid points)
        assertThat(UniformQuantizer.quantize(values, dims(axis), g.params())).containsExactly(g.levels());
        assertThat(g.params().axis()).isEqualTo(axis);
    }

    @ParameterizedTest(name = "{0} {1} axis {2}")
    @CsvSource({"per_channel, mse, 1", "per_channel, minmax, 0", "per_group, mse, 1", "per_group, mse, 0",
        "per_group, minmax, 1", "per_tensor, mse, 0"})
    void withAnIdentityGramItIsRoundToNearest(String granularity, String range, int axis) {
        float[] w = weight(13, axis);
        UniformSpec spec = spec(4, granularity);
        WeightRangeMethod method = WeightRangeMethod.parse(range);
        double[] identity = new double[IN * IN];
        for (int i = 0; i < IN; i++) {
            identity[i * IN + i] = 1;
        }
        UniformParams rtn = WeightRanges.search(method, w, dims(axis), axis, spec);
        Gptq.Result g = Gptq.quantize(w, dims(axis), axis, spec, method, identity, Damping.DEFAULT);
        assertThat(g.params()).isEqualTo(rtn);
        assertThat(g.levels()).containsExactly(UniformQuantizer.quantize(w, dims(axis), rtn));
    }
}
