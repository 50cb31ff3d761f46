package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.ParamLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightRangesTest {

    private static final UniformSpec W4_CHANNEL = UniformSpec.weights(4, Granularity.PER_CHANNEL, 0);
    private static final UniformSpec W8_CHANNEL = UniformSpec.weights(8, Granularity.PER_CHANNEL, 0);

    @Test
    void minMaxPerChannelIsAbsMaxOverLevels() {
        float[] w = {1, -4, 2, 0.5f, -0.25f, 3}; // [in 3, out 2] MatMul weight: channel = column
        UniformParams p = WeightRanges.minMax(w, new long[] {3, 2}, 1, W8_CHANNEL);
        assertThat(p.scale()).containsExactly(2f / 127, 4f / 127);
        assertThat(p.axis()).isEqualTo(1);
        UniformParams t = WeightRanges.search(WeightRangeMethod.MINMAX, w, new long[] {3, 2}, 1,
                UniformSpec.weights(8, Granularity.PER_TENSOR, 0));
        assertThat(t.scale()).containsExactly(4f / 127);
    }

    @Test
    void mseNeverLosesToMinMaxOnAnyChannel() {
        Object[][] cases = {
            {new long[] {192, 96}, 1}, // MatMul [in, out]
            {new long[] {96, 192}, 0}, // Gemm transB [out, in]
            {new long[] {32, 3, 4, 4}, 0}, // Conv [out, in, kh, kw]
        };
        for (Object[] c : cases) {
            long[] dims = (long[]) c[0];
            int axis = (int) c[1];
            float[] w = weights(dims, 5);
            for (UniformSpec spec : new UniformSpec[] {W4_CHANNEL, W8_CHANNEL,
                    new UniformSpec(4, false, false, Granularity.PER_CHANNEL, 0)}) {
                double[] minMax = WeightRanges.squaredError(w, dims, WeightRanges.minMax(w, dims, axis, spec));
                UniformParams mse = WeightRanges.mse(w, dims, axis, spec);
                double[] mseError = WeightRanges.squaredError(w, dims, mse);
                // the search's allocation-free error is bit-identical to the fakeQuantize reference
                assertThat(WeightRanges.errorsInline(w, mse, ParamLayout.of(dims, axis, spec, w.length)))
                        .containsExactly(mseError);
                assertThat(mseError).hasSize((int) dims[axis]);
                int better = 0;
                for (int ch = 0; ch < mseError.length; ch++) {
                    assertThat(mseError[ch]).as("%s channel %d", Arrays.toString(dims), ch).isLessThanOrEqualTo(minMax[ch]);
                    better += mseError[ch] < minMax[ch] ? 1 : 0;
                }
                // at 4 bits clipping pays on most channels; at 8 bits on some
                assertThat(better).as("%s %s", Arrays.toString(dims), spec)
                        .isGreaterThan(spec.bits() == 4 ? mseError.length / 2 : 0);
            }
        }
    }

    @Test
    void perGroupLayoutMatchesUniformQuantizer() {
        for (int axis = 0; axis <= 1; axis++) {
            long[] dims = axis == 0 ? new long[] {5, 70} : new long[] {70, 5}; // 70 inputs in groups of 32: 3 groups
            UniformSpec spec = UniformSpec.weights(4, Granularity.PER_GROUP, 32);
            int n = 350;
            ParamLayout layout = ParamLayout.of(dims, axis, spec, n);
            assertThat(layout.count).isEqualTo(15);
            // scale j = j + 1 and all levels 1: dequantize reveals which scale each element uses
            float[] scale = new float[15];
            for (int j = 0; j < 15; j++) {
                scale[j] = j + 1;
            }
            UniformParams p = new UniformParams(spec, scale, new int[15], axis);
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            float[] used = UniformQuantizer.dequantize(ones, dims, p);
            for (int i = 0; i < n; i++) {
                assertThat(layout.slot[i]).as("axis %d element %d", axis, i).isEqualTo((int) used[i] - 1);
            }
            float[] w = weights(dims, 6);
            UniformParams minMax = WeightRanges.minMax(w, dims, axis, spec);
            UniformParams mse = WeightRanges.mse(w, dims, axis, spec);
            double[] a = WeightRanges.squaredError(w, dims, minMax);
            double[] b = WeightRanges.squaredError(w, dims, mse);
            for (int g = 0; g < 15; g++) {
                assertThat(b[g]).isLessThanOrEqualTo(a[g]);
            }
            // each group's min/max scale is its own absmax / 7
            for (int g = 0; g < 15; g++) {
                float absMax = 0;
                for (int i = 0; i < n; i++) {
                    if (layout.slot[i] == g) {
                        absMax = Math.max(absMax, Math.abs(w[i]));
                    }
                }
                assertThat(minMax.scale()[g]).isEqualTo(absMax / 7);
            }
        }
    }

    @Test
    void parallelMseSearchEqualsTheSequentialOneBitForBit() {
        for (Granularity g : Granularity.values()) {
            for (int bits : new int[] {4, 8}) {
                long[] dims = {192, 192}; // above the parallel threshold
                float[] w = weights(dims, 11);
                UniformSpec spec = UniformSpec.weights(bits, g, 64);
                UniformParams parallel = WeightRanges.mse(w, dims, 1, spec, true);
                UniformParams sequential = WeightRanges.mse(w, dims, 1, spec, false);
                assertThat(parallel).as(g + " " + bits).isEqualTo(sequential);
                assertThat(parallel.scale()).as("the search moved away from min/max somewhere")
                        .isNotEqualTo(WeightRanges.minMax(w, dims, 1, spec).scale());
            }
        }
    }

    @Test
    void perTensorMseAndErrors() {
        long[] dims = {64, 64};
        float[] w = weights(dims, 7);
        UniformSpec spec = UniformSpec.weights(4, Granularity.PER_TENSOR, 0);
        double minMax = WeightRanges.squaredError(w, dims, WeightRanges.minMax(w, dims, 1, spec))[0];
        double mse = WeightRanges.squaredError(w, dims, WeightRanges.search(WeightRangeMethod.MSE, w, dims, 1, spec))[0];
        assertThat(mse).isLessThan(minMax);
        assertThat(WeightRangeMethod.parse("mse")).isEqualTo(WeightRangeMethod.MSE);

        float[] bad = w.clone();
        bad[3] = Float.NaN;
        assertThatThrownBy(() -> WeightRanges.mse(bad, dims, 1, spec)).isInstanceOf(UserException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> WeightRanges.minMax(new float[48], new long[] {4, 3, 2, 2}, 0,
                UniformSpec.weights(4, Granularity.PER_GROUP, 32))).isInstanceOf(UserException.class).hasMessageContaining("2-D");
        assertThatThrownBy(() -> WeightRangeMethod.parse("kl")).isInstanceOf(UserException.class);
    }

    /** Gaussian weights with a few outliers per channel, like trained linear layers. */
    private static float[] weights(long[] dims, long seed) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] w = Samples.gaussian(n, 0, 0.02, seed);
        float[] t = Samples.studentT2(n, seed + 100);
        for (int i = 0; i < n; i++) {
            w[i] += 0.004f * t[i];
        }
        return w;
    }
}
