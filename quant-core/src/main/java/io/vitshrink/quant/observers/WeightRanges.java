package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.ParamLayout;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Ranges of weight tensors, which are whole in memory (nothing streamed). A slice is the set of
 * elements sharing one scale: the whole tensor, one output channel, or one group of an output channel
 * (see {@code UniformQuantizer} for the slot order).
 *
 * <ul>
 *   <li>{@link #minMax}: each slice's [min, max] (absmax for a symmetric spec).</li>
 *   <li>{@link #mse}: for each slice, the clipping ratio α ∈ {1.00, 0.99, …, 0.50} of its [min, max]
 *       whose {@link UniformQuantizer#fakeQuantize} has the smallest squared error on the slice's
 *       weights, computed exactly (all slices at once: one pass over the tensor per ratio) — the per-channel grid search of Nagel et al., "A White Paper on
 *       Neural Network Quantization" (2021, §3.4) and of NNCF's weight MSE range estimator. α = 1 is
 *       min/max, so no slice ever gets a larger error than {@link #minMax}.</li>
 * </ul>
 *
 * <p>{@code channelAxis} is the output-channel axis as stored: 1 for a MatMul weight {@code [in, out]},
 * 0 for Gemm with transB {@code [out, in]} and Conv {@code [out, in, kh, kw]}.
 */
public final class WeightRanges {

    /** Clipping ratios tried by {@link #mse}: 1.00, 0.99, …, 0.50. */
    static final int RATIO_STEPS = 51;

    /** Below this many weights a tensor is searched on one thread (forking would cost more than it saves). */
    static final int PARALLEL_MIN_ELEMENTS = 1 << 14;

    private WeightRanges() {
    }

    public static UniformParams search(WeightRangeMethod method, float[] w, long[] dims, int channelAxis, UniformSpec spec) {
        return method == WeightRangeMethod.MSE ? mse(w, dims, channelAxis, spec) : minMax(w, dims, channelAxis, spec);
    }

    public static UniformParams minMax(float[] w, long[] dims, int channelAxis, UniformSpec spec) {
        ParamLayout layout = ParamLayout.of(dims, channelAxis, spec, w.length);
        float[][] range = sliceRanges(w, layout);
        return UniformParams.fromRanges(spec, range[0], range[1], channelAxis);
    }

    public static UniformParams mse(float[] w, long[] dims, int channelAxis, UniformSpec spec) {
        return mse(w, dims, channelAxis, spec, true);
    }

    /**
     * @param parallel evaluate the ratios on all cores (each ratio is independent; the best one per slice
     *     is then picked in ratio order, so the result is the same as sequentially, bit for bit)
     */
    static UniformParams mse(float[] w, long[] dims, int channelAxis, UniformSpec spec, boolean parallel) {
        ParamLayout layout = ParamLayout.of(dims, channelAxis, spec, w.length);
        float[][] range = sliceRanges(w, layout);
        int m = layout.count;
        float[][] lo = new float[RATIO_STEPS][m];
        float[][] hi = new float[RATIO_STEPS][m];
        UniformParams[] candidates = new UniformParams[RATIO_STEPS];
        for (int k = 0; k < RATIO_STEPS; k++) {
            float alpha = (100 - k) / 100f;
            for (int s = 0; s < m; s++) {
                lo[k][s] = alpha * range[0][s];
                hi[k][s] = alpha * range[1][s];
            }
            candidates[k] = UniformParams.fromRanges(spec, lo[k], hi[k], channelAxis);
        }
        double[][] errors = new double[RATIO_STEPS][];
        IntStream ratios = IntStream.range(0, RATIO_STEPS);
        (parallel && w.length >= PARALLEL_MIN_ELEMENTS ? ratios.parallel() : ratios)
                .forEach(k -> errors[k] = errorsInline(w, candidates[k], layout));
        float[] bestLo = range[0].clone();
        float[] bestHi = range[1].clone();
        double[] bestError = new double[m];
        Arrays.fill(bestError, Double.POSITIVE_INFINITY);
        for (int k = 0; k < RATIO_STEPS; k++) {
            for (int s = 0; s < m; s++) {
                if (errors[k][s] < bestError[s]) {
                    bestError[s] = errors[k][s];
                    bestLo[s] = lo[k][s];
                    bestHi[s] = hi[k][s];
                }
            }
        }
        return UniformParams.fromRanges(spec, bestLo, bestHi, channelAxis);
    }

    /**
     * Σ (fakeQuantize(w) − w)² per parameter slot of {@code p} (in the order of its scales), with
     * {@code p.axis()} as the channel axis.
     */
    public static double[] squaredError(float[] w, long[] dims, UniformParams p) {
        return errors(w, dims, p, ParamLayout.of(dims, p.axis(), p.spec(), w.length));
    }

    private static double[] errors(float[] w, long[] dims, UniformParams p, ParamLayout layout) {
        float[] fq = UniformQuantizer.fakeQuantize(w, dims, p);
        double[] error = new double[layout.count];
        int[] slot = layout.slot;
        for (int i = 0; i < w.length; i++) {
            double d = (double) fq[i] - w[i];
            error[slot[i]] += d * d;
        }
        return error;
    }

    /**
     * The same as {@link #squaredError} without allocating: the arithmetic of
     * {@link UniformQuantizer#fakeQuantize} (float32 division, round half to even, saturation, float32
     * dequantization) inlined, bit for bit — a test checks the two agree. 51 ratios × a 768×3072 weight
     * run 2–3× faster than through {@code fakeQuantize}.
     */
    static double[] errorsInline(float[] w, UniformParams p, ParamLayout layout) {
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        int qmin = p.spec().qmin();
        int qmax = p.spec().qmax();
        int[] slot = layout.slot;
        double[] error = new double[layout.count];
        for (int i = 0; i < w.length; i++) {
            int j = slot[i];
            float v = (float) Math.rint(w[i] / scale[j]) + zp[j];
            int q = (int) Math.max(qmin, Math.min(qmax, v));
            float x = (q - zp[j]) * scale[j];
            double d = (double) x - w[i];
            error[j] += d * d;
        }
        return error;
    }

    /** [min per slot, max per slot]; NaN or Inf is a user error. */
    private static float[][] sliceRanges(float[] w, ParamLayout layout) {
        float[] lo = new float[layout.count];
        float[] hi = new float[layout.count];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        int[] slot = layout.slot;
        for (int i = 0; i < w.length; i++) {
            float v = w[i];
            if (!Float.isFinite(v)) {
                throw new UserException("weight contains NaN/Inf (element " + i + "); the model is broken");
            }
            int s = slot[i];
            if (v < lo[s]) {
                lo[s] = v;
            }
            if (v > hi[s]) {
                hi[s] = v;
            }
        }
        for (int s = 0; s < lo.length; s++) {
            if (lo[s] > hi[s]) { // an empty slice (zero-size weight): any valid range
                lo[s] = 0;
                hi[s] = 0;
            }
        }
        return new float[][] {lo, hi};
    }
}
