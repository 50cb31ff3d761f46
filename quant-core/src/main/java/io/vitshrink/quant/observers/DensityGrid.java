package io.vitshrink.quant.observers;

/**
 * A histogram's mass re-sampled onto {@code n} equal bins over a chosen interval (the data range, or
 * [0, max|x|] for the distribution of |x|), so that threshold searches see the same resolution whatever
 * growth history the streaming histogram had.
 */
final class DensityGrid {

    final double start;
    final double width;
    final double[] mass;

    private DensityGrid(double start, double width, double[] mass) {
        this.start = start;
        this.width = width;
        this.mass = mass;
    }

    double edge(int k) {
        return start + k * width;
    }

    int size() {
        return mass.length;
    }

    /** The values over [from, to], which must contain [min, max]. */
    static DensityGrid of(HistogramCdf cdf, double from, double to, int n) {
        double w = (to - from) / n;
        double[] m = new double[n];
        double prev = 0;
        for (int k = 0; k < n; k++) {
            double next = k == n - 1 ? cdf.total() : cdf.atMost(from + (k + 1) * w);
            m[k] = Math.max(0, next - prev);
            prev = next;
        }
        return new DensityGrid(from, w, m);
    }

    /** The absolute values over [0, absMax], absMax = max|x|. */
    static DensityGrid folded(HistogramCdf cdf, double absMax, int n) {
        double w = absMax / n;
        double[] m = new double[n];
        double prev = 0;
        for (int k = 0; k < n; k++) {
            double next = k == n - 1 ? cdf.total() : cdf.absAtMost((k + 1) * w);
            m[k] = Math.max(0, next - prev);
            prev = next;
        }
        return new DensityGrid(0, w, m);
    }
}
