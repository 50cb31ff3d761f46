package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.model.Tensor;
import java.util.Arrays;

/**
 * Per-channel range of one activation over a calibration set; the channel is the last axis. Fill it
 * from any observer's per-channel min and max arrays.
 *
 * @param min smallest value seen per channel
 * @param max largest value seen per channel
 */
public record ChannelRange(float[] min, float[] max) {

    public ChannelRange {
        if (min == null || max == null || min.length != max.length || min.length == 0) {
            throw new IllegalArgumentException("a channel range needs min and max arrays of the same, non-zero length");
        }
        for (int c = 0; c < min.length; c++) {
            if (!Float.isFinite(min[c]) || !Float.isFinite(max[c]) || min[c] > max[c]) {
                throw new IllegalArgumentException("channel " + c + " has no valid range [" + min[c] + ", " + max[c]
                        + "]; were statistics collected on at least one input?");
            }
        }
        min = min.clone();
        max = max.clone();
    }

    /** The range of every channel (last axis) of one activation tensor. */
    public static ChannelRange of(Tensor activation) {
        int channels = Math.toIntExact(activation.dim(-1));
        float[] v = activation.toFloats();
        float[] lo = new float[channels];
        float[] hi = new float[channels];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < v.length; i++) {
            int c = i % channels;
            lo[c] = Math.min(lo[c], v[i]);
            hi[c] = Math.max(hi[c], v[i]);
        }
        return new ChannelRange(lo, hi);
    }

    /** The union of two ranges of the same activation. */
    public ChannelRange union(ChannelRange other) {
        if (other.channels() != channels()) {
            throw new IllegalArgumentException("cannot merge ranges of " + channels() + " and " + other.channels() + " channels");
        }
        float[] lo = new float[min.length];
        float[] hi = new float[min.length];
        for (int c = 0; c < lo.length; c++) {
            lo[c] = Math.min(min[c], other.min[c]);
            hi[c] = Math.max(max[c], other.max[c]);
        }
        return new ChannelRange(lo, hi);
    }

    public int channels() {
        return min.length;
    }

    @Override
    public float[] min() {
        return min.clone();
    }

    @Override
    public float[] max() {
        return max.clone();
    }

    /** max(|min_c|, |max_c|) per channel. */
    public float[] absMax() {
        float[] a = new float[min.length];
        for (int c = 0; c < a.length; c++) {
            a[c] = Math.max(Math.abs(min[c]), Math.abs(max[c]));
        }
        return a;
    }

    /** max_c - min_c per channel. */
    public float[] width() {
        float[] w = new float[min.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = max[c] - min[c];
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelRange r && Arrays.equals(r.min, min) && Arrays.equals(r.max, max);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        return "ChannelRange[" + min.length + " channels]";
    }
}
