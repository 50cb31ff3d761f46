package io.vitshrink.quant.observers;

/**
 * The float range [lo, hi] an observer chose for a tensor; values outside are clipped by the quantizer.
 * Before it becomes {@link io.vitshrink.quant.quantizers.UniformParams} the range is widened to include 0.
 */
public record ClippingRange(float lo, float hi) {

    public ClippingRange {
        if (!(lo <= hi) || Float.isInfinite(lo) || Float.isInfinite(hi)) {
            throw new IllegalArgumentException("bad clipping range [" + lo + ", " + hi + "]");
        }
    }

    public float width() {
        return hi - lo;
    }

    /** True when this range lies inside {@code other} and is strictly narrower. */
    public boolean narrowerThan(ClippingRange other) {
        return lo >= other.lo && hi <= other.hi && width() < other.width();
    }
}
