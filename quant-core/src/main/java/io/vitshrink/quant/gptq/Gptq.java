package io.vitshrink.quant.gptq;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.observers.WeightRanges;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * GPTQ (Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
 * Transformers", 2022), the pure-Java reference: the input columns of {@code W [out, in]} are
 * quantized one at a time in index order; the rounding error of column i, divided by the i-th
 * diagonal of the upper Cholesky factor U of the damped H⁻¹ (H = XᵀX of the layer input, H⁻¹ = UᵀU),
 * is subtracted from the later columns through row i of U. This is the optimal brain surgeon update
 * restricted to the not-yet-quantized columns; it lowers the layer's output error ‖X(W − Ŵ)ᵀ‖ rather
 * than the weight error ‖W − Ŵ‖ that round-to-nearest lowers.
 *
 * <p>Grids are the ones round-to-nearest uses ({@link WeightRanges} with the plan's range method):
 * per tensor / per channel chosen once from the original weight; per group chosen on the (already
 * updated) columns of a group when its first column is reached, as GPTQ does. Rounding is
 * {@code UniformQuantizer}'s (float32 division, half to even, saturation), so the levels are exactly
 * on the grid and an ONNX QuantizeLinear of the dequantized weight gives them back. The updates are
 * applied column by column (no lazy batches): O(out·in²/2) per layer, a fraction of a second for the
 * largest DeiT-Tiny layer.
 */
public final class Gptq {

    /** The quantized weight: per-slot parameters (layout as stored) and one integer level per element. */
    public record Result(UniformParams params, int[] levels) {
    }

    private Gptq() {
    }

    /**
     * @param w the weight as stored (row-major)
     * @param dims its shape, 2-D
     * @param channelAxis output-channel axis as stored (1 for MatMul {@code [in, out]}, 0 for Gemm transB {@code [out, in]})
     * @param spec the weight grid
     * @param range how each slot's range is chosen
     * @param gram XᵀX of the layer input ({@code in × in}, row-major, symmetric)
     * @param damping λ of {@link Damping} (0.01 in GPTQ)
     */
    public static Result quantize(float[] w, long[] dims, int channelAxis, UniformSpec spec, WeightRangeMethod range,
            double[] gram, double damping) {
        if (dims.length != 2 || (channelAxis != 0 && channelAxis != 1)) {
            throw new IllegalArgumentException("GPTQ needs a 2-D weight with channel axis 0 or 1, got rank " + dims.length);
        }
        int out = Math.toIntExact(dims[channelAxis]);
        int in = Math.toIntExact(dims[1 - channelAxis]);
        if (gram.length != (long) in * in) {
            throw new IllegalArgumentException("a weight with " + in + " inputs needs a " + in + "² Gram matrix, not "
                    + gram.length + " values");
        }
        double[] wd = new double[out * in]; // [out, in]
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wd[o * in + i] = w[stored(o, i, out, in, channelAxis)];
            }
        }
        double[] u = inverseFactor(gram, in, damping);
        boolean grouped = spec.granularity() == Granularity.PER_GROUP;
        int groupSize = grouped ? spec.groupSize() : in;
        int groups = (in + groupSize - 1) / groupSize;
        float[] scale;
        int[] zp;
        if (grouped) {
            scale = new float[out * groups];
            zp = new int[out * groups];
        } else {
            UniformParams p = WeightRanges.search(range, w, dims, channelAxis, spec); // exactly round-to-nearest's grid
            scale = p.scale();
            zp = p.zeroPoint();
        }
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        int[] levels = new int[out * in];
        for (int i = 0; i < in; i++) {
            if (grouped && i % groupSize == 0) {
                chooseGroup(wd, out, in, i, Math.min(in, i + groupSize), i / groupSize, groups, spec, range, scale, zp);
            }
            double d = u[i * in + i];
            for (int o = 0; o < out; o++) {
                int slot = grouped ? o * groups + i / groupSize : (scale.length == 1 ? 0 : o);
                float s = scale[slot];
                int z = zp[slot];
                float v = (float) Math.rint((float) wd[o * in + i] / s) + z;
                int q = (int) Math.max(qmin, Math.min(qmax, v));
                levels[stored(o, i, out, in, channelAxis)] = q;
                float xHat = (q - z) * s;
                double err = (wd[o * in + i] - xHat) / d;
                int row = o * in;
                int uRow = i * in;
                for (int j = i + 1; j < in; j++) {
                    wd[row + j] -= err * u[uRow + j];
                }
            }
        }
        return new Result(new UniformParams(spec, scale, zp, channelAxis), levels);
    }

    /** U with H⁻¹ = UᵀU for the damped H (the factor GPTQ propagates errors through). */
    static double[] inverseFactor(double[] gram, int in, double damping) {
        double[] h = Damping.apply(gram, in, damping);
        try {
            double[] inverse = Cholesky.factor(h, in).inverse();
            return Cholesky.factor(inverse, in).upper();
        } catch (ArithmeticException e) {
            throw new UserException("GPTQ: the calibration inputs' Gram matrix is not positive definite even after damping "
                    + damping + " (" + e.getMessage() + "); use more calibration images");
        }
    }

    /** Scales of one group of columns [from, to) for every output row, from the current (updated) weights. */
    private static void chooseGroup(double[] wd, int out, int in, int from, int to, int group, int groups, UniformSpec spec,
            WeightRangeMethod range, float[] scale, int[] zp) {
        int len = to - from;
        float[] slice = new float[out * len];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < len; k++) {
                slice[o * len + k] = (float) wd[o * in + from + k];
            }
        }
        UniformSpec perRow = new UniformSpec(spec.bits(), spec.signed(), spec.symmetric(), Granularity.PER_CHANNEL, 0);
        UniformParams p = WeightRanges.search(range, slice, new long[] {out, len}, 0, perRow);
        float[] s = p.scale();
        int[] z = p.zeroPoint();
        for (int o = 0; o < out; o++) {
            scale[o * groups + group] = s[o];
            zp[o * groups + group] = z[o];
        }
    }

    /** Index in the stored layout of element (output o, input i). */
    private static int stored(int o, int i, int out, int in, int channelAxis) {
        return channelAxis == 0 ? o * in + i : i * out + o;
    }
}
