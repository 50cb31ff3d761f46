package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Chooses the clipping range whose quantized distribution is closest, in KL divergence, to the observed
 * one: TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017; also ONNX
 * Runtime's {@code CalibrationMethod.Entropy}). See {@link KlThresholdSearch} for the divergence.
 *
 * <ul>
 *   <li>Symmetric grid: as TensorRT, on the histogram of |x| over [0, max|x|] (2048 bins), thresholds
 *       t = b·binWidth for b from 2^(bits−1) to 2048, the window quantized into 2^(bits−1) levels;
 *       range [−t, t].</li>
 *   <li>Affine grid: the histogram of x over [min(min, 0), max(max, 0)], windows quantized into
 *       2^bits levels that shrink towards 0 by the same factor on both sides, [s·lo, s·hi] (the affine
 *       analogue of TensorRT's [−t, t]; searching the two ends independently lets the flat KL surface
 *       pick lopsided ranges). All-positive data (post-Softmax) thus gets TensorRT's one-sided search of
 *       [0, t]; a small negative tail (post-GELU, ≥ −0.17) shrinks with the positive side, by the same
 *       factor, so it is barely clipped.</li>
 * </ul>
 * When the histogram has fewer bins than the grid has levels (e.g. 16 bits) no window qualifies and the
 * range is the full [min, max].
 */
public final class EntropyObserver extends HistogramObserver {

    private final int bins;

    public EntropyObserver(String name) {
        this(name, StreamingHistogram.DEFAULT_BINS);
    }

    public EntropyObserver(String name, int bins) {
        super(name, bins);
        this.bins = bins;
    }

    @Override
    protected ClippingRange search(StreamingHistogram h, UniformSpec spec) {
        HistogramCdf cdf = new HistogramCdf(h);
        ClippingRange full = new ClippingRange(h.min(), h.max());
        if (spec.symmetric()) {
            double absMax = Math.max(Math.abs((double) h.min()), Math.abs((double) h.max()));
            DensityGrid grid = DensityGrid.folded(cdf, absMax, bins);
            KlThresholdSearch kl = new KlThresholdSearch(grid, 1 << (spec.bits() - 1));
            int b = kl.bestEnd(0, kl.minWindow(), bins);
            if (b < 0) {
                return full;
            }
            double t = grid.edge(b);
            return within(-t, t, h);
        }
        double from = Math.min(h.min(), 0.0);
        double to = Math.max(h.max(), 0.0);
        DensityGrid grid = DensityGrid.of(cdf, from, to, bins);
        if (spec.bits() >= 31 || (1L << spec.bits()) >= bins) {
            return full;
        }
        KlThresholdSearch kl = new KlThresholdSearch(grid, 1 << spec.bits());
        double zero = -from / grid.width; // position of 0 on the grid, in bins
        int bestA = -1;
        int bestB = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int w = kl.minWindow(); w <= bins; w++) {
            // the window shrinks towards 0 by the same factor on both sides
            int a = (int) Math.round(zero * (1 - (double) w / bins));
            a = Math.max(0, Math.min(bins - w, a));
            double d = kl.divergence(a, a + w);
            if (d < best) {
                best = d;
                bestA = a;
                bestB = a + w;
            }
        }
        if (bestA < 0) {
            return full;
        }
        return within(grid.edge(bestA), grid.edge(bestB), h);
    }
}
