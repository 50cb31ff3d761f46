package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Chooses the clipping range that minimises the expected squared quantization error, estimated from the
 * histogram: MSE-based range setting (Nagel et al., "A White Paper on Neural Network Quantization",
 * 2021, §3.4; NNCF's and OpenVINO POT's MSE range estimators). Candidates are shrink factors
 * s = k / candidates (k = candidates … 1) of the observed range: [s·min, s·max] for an affine grid,
 * ±s·max|x| for a symmetric one. Each candidate becomes the exact scale and zero point
 * {@link UniformParams#fromRanges} would export, and its error is the sum over bins of the bin's count
 * times the mean of (Q(x) − x)² over the bin — rounding inside the grid plus clipping outside, in closed
 * form ({@link UniformGridError}). Ties go to the wider range.
 */
public final class MseObserver extends HistogramObserver {

    public static final int DEFAULT_CANDIDATES = 100;

    private final int candidates;

    public MseObserver(String name) {
        this(name, StreamingHistogram.DEFAULT_BINS, DEFAULT_CANDIDATES);
    }

    public MseObserver(String name, int bins, int candidates) {
        super(name, bins);
        if (candidates < 1) {
            throw new IllegalArgumentException("need at least one candidate, got " + candidates);
        }
        this.candidates = candidates;
    }

    @Override
    protected ClippingRange search(StreamingHistogram h, UniformSpec spec) {
        double absMax = Math.max(Math.abs((double) h.min()), Math.abs((double) h.max()));
        ClippingRange best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (int k = candidates; k >= 1; k--) {
            double s = (double) k / candidates;
            ClippingRange r = spec.symmetric()
                    ? within(-s * absMax, s * absMax, h)
                    : within(s * h.min(), s * h.max(), h);
            double e = expectedError(h, spec, r);
            if (e < bestError) {
                bestError = e;
                best = r;
            }
        }
        return best;
    }

    /** Expected squared error (summed over all values) of quantizing the histogram with range r. */
    static double expectedError(StreamingHistogram h, UniformSpec spec, ClippingRange r) {
        UniformParams p = UniformParams.fromRanges(spec, new float[] {r.lo()}, new float[] {r.hi()}, 0);
        UniformGridError grid = new UniformGridError(p);
        double e = 0;
        for (int i = 0; i < h.bins(); i++) {
            long c = h.count(i);
            if (c != 0) {
                e += c * grid.mean(h.effectiveStart(i), h.effectiveEnd(i));
            }
        }
        return e;
    }
}
