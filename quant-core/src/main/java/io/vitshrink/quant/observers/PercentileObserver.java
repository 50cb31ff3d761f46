package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Clips at a percentile of the observed values: for a symmetric grid the p-th percentile of |x|
 * (range [−t, t]); for an affine grid each tail separately, the (100 − p)-th and p-th percentiles of x.
 * This is ONNX Runtime's {@code CalibrationMethod.Percentile} (percentile of |x| on a 2048-bin
 * histogram) and NNCF's quantile range estimator; p = 99.99 by default. Percentiles are read from the
 * histogram, so they are exact to within one bin width.
 */
public final class PercentileObserver extends HistogramObserver {

    public static final double DEFAULT_PERCENTILE = 99.99;

    private final double percentile;

    public PercentileObserver(String name) {
        this(name, DEFAULT_PERCENTILE, StreamingHistogram.DEFAULT_BINS);
    }

    /** @param percentile in (50, 100]; 100 gives min/max */
    public PercentileObserver(String name, double percentile, int bins) {
        super(name, bins);
        if (!(percentile > 50 && percentile <= 100)) {
            throw new io.vitshrink.onnx.UserException("percentile must be in (50, 100], e.g. 99.99, not " + percentile);
        }
        this.percentile = percentile;
    }

    public double percentile() {
        return percentile;
    }

    @Override
    protected ClippingRange search(StreamingHistogram h, UniformSpec spec) {
        double q = percentile / 100;
        if (spec.symmetric()) {
            double t = h.absQuantile(q);
            return within(-t, t, h);
        }
        return new ClippingRange((float) h.quantile(1 - q), (float) h.quantile(q));
    }
}
