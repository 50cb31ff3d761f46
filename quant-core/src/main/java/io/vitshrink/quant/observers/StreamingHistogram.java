package io.vitshrink.quant.observers;

/**
 * A histogram of a stream of values with a fixed number of equal-width bins, so its memory does not
 * depend on how many values it has seen. The bins cover {@code [lo, lo + bins·width)}; when a batch
 * falls outside, the width doubles (as many times as needed) and groups of old bins are merged into new
 * ones, so counts are never re-estimated from raw data (which is never kept) and the total is preserved
 * exactly. New bin edges are always old edges, so a merge moves no count across an edge. The exact
 * minimum and maximum are tracked besides the bins; queries treat the values of a bin as uniformly
 * spread over the part of the bin inside [min, max].
 *
 * <p>Like TensorRT's and ONNX Runtime's calibration histograms (2048 bins by default), but one pass
 * instead of two: the range is not known in advance, so it grows by doubling as in the "merge adjacent
 * bins" strategy of streaming histograms.
 */
public final class StreamingHistogram {

    public static final int DEFAULT_BINS = 2048;

    private final int bins;
    private long[] counts;
    private double lo;
    private double width;
    private long total;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    public StreamingHistogram() {
        this(DEFAULT_BINS);
    }

    public StreamingHistogram(int bins) {
        if (bins < 8) {
            throw new IllegalArgumentException("a histogram needs at least 8 bins, got " + bins);
        }
        this.bins = bins;
        this.counts = new long[bins];
    }

    private StreamingHistogram(StreamingHistogram o) {
        this.bins = o.bins;
        this.counts = o.counts.clone();
        this.lo = o.lo;
        this.width = o.width;
        this.total = o.total;
        this.min = o.min;
        this.max = o.max;
    }

    /** Adds finite values. */
    public void add(float[] data) {
        float bmin = Float.POSITIVE_INFINITY;
        float bmax = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("histograms take finite values only, got " + v);
            }
            bmin = Math.min(bmin, v);
            bmax = Math.max(bmax, v);
        }
        add(data, bmin, bmax);
    }

    /** Adds values whose min and max the caller already knows (one pass fewer); all must be finite. */
    void add(float[] data, float batchMin, float batchMax) {
        if (data.length == 0) {
            return;
        }
        if (total == 0) {
            start(batchMin, batchMax);
        } else if (batchMin < lo || batchMax > hi()) {
            grow(batchMin, batchMax);
        }
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
        double base = lo;
        double inv = 1.0 / width;
        int last = bins - 1;
        long[] c = counts;
        for (float v : data) {
            int i = (int) ((v - base) * inv);
            if (i > last) {
                i = last;
            } else if (i < 0) {
                i = 0;
            }
            c[i]++;
        }
        total += data.length;
    }

    private void start(float bmin, float bmax) {
        if (bmax > bmin) {
            lo = bmin;
            width = ((double) bmax - bmin) / bins;
        } else {
            // a constant first batch: a narrow range around it, which later batches grow
            double span = Math.max(Math.abs((double) bmin) * 0x1p-10, 0x1p-100);
            lo = bmin - span / 2;
            width = span / bins;
        }
        while (hi() < bmax) {
            width = Math.nextUp(width);
        }
    }

    /**
     * Doubles the bin width until the occupied bins and the batch fit, merging old bins into new ones.
     * Empty bins left from earlier growth are dropped, so the range never exceeds twice what the data
     * needs.
     */
    private void grow(float batchMin, float batchMax) {
        int first = 0;
        while (counts[first] == 0) {
            first++;
        }
        int last = bins - 1;
        while (counts[last] == 0) {
            last--;
        }
        boolean low = batchMin < binStart(first);
        boolean high = batchMax > binStart(last + 1);
        double newMin = Math.min(binStart(first), batchMin);
        double newMax = Math.max(binStart(last + 1), batchMax);
        double w2 = width;
        while (bins * w2 < (newMax - newMin) + 2 * width) {
            w2 *= 2;
        }
        // the new origin is an old edge lo - j·width (j of either sign) with [newMin, newMax] inside;
        // the spare room goes to the side that grew (both sides: split)
        double jMin = Math.ceil((lo - newMin) / width);
        double jMax = Math.max(jMin, Math.floor((lo + bins * w2 - newMax) / width));
        double j = high && !low ? jMin : low && !high ? jMax : Math.floor((jMin + jMax) / 2);
        double lo2 = lo - j * width;
        long[] next = new long[bins];
        for (int i = first; i <= last; i++) {
            if (counts[i] != 0) {
                double centre = lo + (i + 0.5) * width;
                int k = (int) Math.floor((centre - lo2) / w2);
                next[Math.max(0, Math.min(bins - 1, k))] += counts[i];
            }
        }
        counts = next;
        lo = lo2;
        width = w2;
    }

    public int bins() {
        return bins;
    }

    /** Lower edge of bin 0. */
    public double lo() {
        return lo;
    }

    /** Upper edge of the last bin. */
    public double hi() {
        return lo + bins * width;
    }

    public double binWidth() {
        return width;
    }

    public double binStart(int i) {
        return lo + i * width;
    }

    public long count(int i) {
        return counts[i];
    }

    public long[] counts() {
        return counts.clone();
    }

    /** Number of values added. */
    public long total() {
        return total;
    }

    /** Exact smallest value added ({@code +Inf} when empty). */
    public float min() {
        return min;
    }

    /** Exact largest value added ({@code -Inf} when empty). */
    public float max() {
        return max;
    }

    /** Number of values ≤ x, interpolated linearly inside a bin. */
    public double cdf(double x) {
        return new HistogramCdf(this).atMost(x);
    }

    /**
     * The q-quantile (q in [0, 1]) of the values, interpolated linearly inside the bin where the
     * cumulative count reaches {@code q · total}: exact to within one bin width.
     */
    public double quantile(double q) {
        requireData();
        if (q <= 0) {
            return min;
        }
        if (q >= 1) {
            return max;
        }
        double target = q * total;
        double cum = 0;
        for (int i = 0; i < bins; i++) {
            long c = counts[i];
            if (c == 0) {
                continue;
            }
            if (cum + c >= target) {
                double s = effectiveStart(i);
                double e = effectiveEnd(i);
                return Math.max(min, Math.min(max, s + (target - cum) / c * (e - s)));
            }
            cum += c;
        }
        return max;
    }

    /** The q-quantile of |x|, to within one bin width. */
    public double absQuantile(double q) {
        requireData();
        double absMax = Math.max(Math.abs((double) min), Math.abs((double) max));
        HistogramCdf cdf = new HistogramCdf(this);
        double target = Math.max(0, Math.min(1, q)) * total;
        if (cdf.absAtMost(0) >= target) {
            return q >= 1 ? absMax : 0;
        }
        double a = 0;
        double b = absMax;
        for (int it = 0; it < 100 && b - a > 1e-7 * width; it++) {
            double m = 0.5 * (a + b);
            if (cdf.absAtMost(m) >= target) {
                b = m;
            } else {
                a = m;
            }
        }
        return b;
    }

    /** Lower end of the part of bin i that lies in [min, max]. */
    double effectiveStart(int i) {
        double s = Math.max(binStart(i), min);
        double e = Math.min(binStart(i + 1), max);
        return s <= e ? s : pointOf(i);
    }

    /** Upper end of the part of bin i that lies in [min, max]. */
    double effectiveEnd(int i) {
        double s = Math.max(binStart(i), min);
        double e = Math.min(binStart(i + 1), max);
        return s <= e ? e : pointOf(i);
    }

    /** A bin outside [min, max] can only hold values merged there by rounding: treat them as a point. */
    private double pointOf(int i) {
        return Math.max(min, Math.min(max, binStart(i) + 0.5 * width));
    }

    /** Bytes held: the counts plus a few fields. */
    public long bytes() {
        return 8L * bins + 16 + 64;
    }

    public StreamingHistogram copy() {
        return new StreamingHistogram(this);
    }

    private void requireData() {
        if (total == 0) {
            throw new IllegalStateException("empty histogram");
        }
    }
}
