package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Base of the observers that aggregate a {@link StreamingHistogram} (fixed bins, exact min/max) and
 * search a clipping range on it when asked: {@link PercentileObserver}, {@link EntropyObserver},
 * {@link MseObserver}. The histogram is of the signed values; searches that need |x| fold it.
 */
public abstract class HistogramObserver implements ActivationObserver {

    private final String name;
    private final StreamingHistogram histogram;
    private long images;

    protected HistogramObserver(String name, int bins) {
        this.name = name;
        this.histogram = new StreamingHistogram(bins);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void update(float[] data, long[] shape) {
        BatchRange r = BatchRange.of(name, data, shape, images);
        images += r.images();
        if (!r.empty()) {
            histogram.add(data, r.min(), r.max());
        }
    }

    @Override
    public final ClippingRange range(UniformSpec spec) {
        if (histogram.total() == 0) {
            throw MinMaxObserver.noData(name);
        }
        float min = histogram.min();
        float max = histogram.max();
        if (min == max) {
            return new ClippingRange(min, max);
        }
        return search(histogram, spec);
    }

    /** The range for {@code spec}, given a histogram holding at least two distinct values. */
    protected abstract ClippingRange search(StreamingHistogram h, UniformSpec spec);

    /** A copy of the histogram collected so far. */
    public StreamingHistogram histogram() {
        return histogram.copy();
    }

    @Override
    public final long bytes() {
        return histogram.bytes() + 48;
    }

    @Override
    public final long images() {
        return images;
    }

    /** [lo, hi] intersected with the observed [min, max] (a symmetric grid only needs max |x|). */
    static ClippingRange within(double lo, double hi, StreamingHistogram h) {
        float l = (float) Math.max(lo, h.min());
        float u = (float) Math.min(hi, h.max());
        if (l > u) { // the threshold lies beyond all data on one side: keep the threshold itself
            return new ClippingRange((float) lo, (float) hi);
        }
        return new ClippingRange(l, u);
    }
}
