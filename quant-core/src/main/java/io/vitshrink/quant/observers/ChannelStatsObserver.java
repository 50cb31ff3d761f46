package io.vitshrink.quant.observers;

import java.util.Arrays;

/**
 * Per-channel min, max, mean and mean |x| of an activation whose last axis is the channel
 * ({@code [batch, tokens, C]}), for the reparameterizations that run after calibration (e.g. moving a
 * post-LayerNorm channel-wise range into the LayerNorm's affine parameters, RepQ-ViT). One pass per
 * batch; sums in double; memory is four arrays of C, whatever the number of images.
 */
public final class ChannelStatsObserver implements TensorObserver {

    private final String name;
    private float[] min;
    private float[] max;
    private double[] sum;
    private double[] absSum;
    private long rows;
    private long images;

    public ChannelStatsObserver(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(float[] data, long[] shape) {
        BatchRange.checkShape(name, data, shape);
        if (shape.length == 0) {
            throw new IllegalArgumentException("tensor '" + name + "': per-channel statistics need a channel axis");
        }
        int c = (int) shape[shape.length - 1];
        long batchImages = shape.length == 1 ? 1 : shape[0];
        if (min == null) {
            min = new float[c];
            max = new float[c];
            sum = new double[c];
            absSum = new double[c];
            Arrays.fill(min, Float.POSITIVE_INFINITY);
            Arrays.fill(max, Float.NEGATIVE_INFINITY);
        } else if (c != min.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + c + " channels, earlier batches had " + min.length);
        }
        if (c == 0) {
            images += batchImages;
            return;
        }
        float[] mn = min;
        float[] mx = max;
        double[] s = sum;
        double[] as = absSum;
        boolean nan = false;
        int n = data.length / c;
        for (int r = 0, base = 0; r < n; r++, base += c) {
            for (int j = 0; j < c; j++) {
                float v = data[base + j];
                if (v < mn[j]) {
                    mn[j] = v;
                }
                if (v > mx[j]) {
                    mx[j] = v;
                }
                s[j] += v;
                as[j] += Math.abs(v);
                nan |= v != v;
            }
        }
        images += batchImages;
        if (nan || (n > 0 && infinite(mn, mx))) {
            throw BatchRange.nonFinite("activation", name, images);
        }
        rows += n;
    }

    private static boolean infinite(float[] mn, float[] mx) {
        for (int j = 0; j < mn.length; j++) {
            if (Float.isInfinite(mn[j]) || Float.isInfinite(mx[j])) {
                return true;
            }
        }
        return false;
    }

    /** The statistics so far. */
    public ChannelStats stats() {
        if (rows == 0) {
            throw MinMaxObserver.noData(name);
        }
        int c = min.length;
        float[] mean = new float[c];
        float[] absMean = new float[c];
        for (int j = 0; j < c; j++) {
            mean[j] = (float) (sum[j] / rows);
            absMean[j] = (float) (absSum[j] / rows);
        }
        return new ChannelStats(min, max, mean, absMean);
    }

    /** Values seen per channel. */
    public long samplesPerChannel() {
        return rows;
    }

    @Override
    public long bytes() {
        return min == null ? 64 : 64 + 24L * min.length;
    }

    @Override
    public long images() {
        return images;
    }
}
