package io.vitshrink.quant.observers;

/**
 * Cumulative counts of a {@link StreamingHistogram} with O(1) queries: within a bin the values are taken
 * as uniformly spread over the part of the bin inside [min, max] (a bin of zero length is a point mass).
 */
final class HistogramCdf {

    private final StreamingHistogram h;
    private final double[] before; // values in bins < i
    private final double[] start;
    private final double[] end;
    private final double lo;
    private final double invWidth;
    private final double min;
    private final double max;
    private final double total;

    HistogramCdf(StreamingHistogram h) {
        this.h = h;
        int n = h.bins();
        before = new double[n + 1];
        start = new double[n];
        end = new double[n];
        for (int i = 0; i < n; i++) {
            before[i + 1] = before[i] + h.count(i);
            start[i] = h.effectiveStart(i);
            end[i] = h.effectiveEnd(i);
        }
        lo = h.lo();
        invWidth = 1 / h.binWidth();
        min = h.min();
        max = h.max();
        total = h.total();
    }

    double total() {
        return total;
    }

    /** Values ≤ x. */
    double atMost(double x) {
        return cumulative(x, true);
    }

    /** Values &lt; x. */
    double below(double x) {
        return cumulative(x, false);
    }

    /** Values with |v| ≤ t (t ≥ 0). */
    double absAtMost(double t) {
        return atMost(t) - below(-t);
    }

    private double cumulative(double x, boolean inclusive) {
        if (x < min || (!inclusive && x == min)) {
            return 0;
        }
        if (x > max || (inclusive && x == max)) {
            return total;
        }
        int i = (int) Math.floor((x - lo) * invWidth);
        i = Math.max(0, Math.min(h.bins() - 1, i));
        double c = before[i + 1] - before[i];
        double s = start[i];
        double e = end[i];
        double part;
        if (e > s) {
            part = Math.max(0, Math.min(1, (x - s) / (e - s)));
        } else {
            part = (inclusive ? x >= s : x > s) ? 1 : 0;
        }
        return before[i] + c * part;
    }
}
