package io.vitshrink.quant.observers;

/**
 * Per-channel statistics of an activation over the calibration set (channel = last axis).
 *
 * @param min smallest value per channel
 * @param max largest value per channel
 * @param mean mean per channel
 * @param absMean mean of |x| per channel
 */
public record ChannelStats(float[] min, float[] max, float[] mean, float[] absMean) {

    public ChannelStats {
        int c = min.length;
        if (max.length != c || mean.length != c || absMean.length != c) {
            throw new IllegalArgumentException("all statistics need one entry per channel");
        }
        min = min.clone();
        max = max.clone();
        mean = mean.clone();
        absMean = absMean.clone();
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

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] absMean() {
        return absMean.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats s && java.util.Arrays.equals(s.min, min) && java.util.Arrays.equals(s.max, max)
                && java.util.Arrays.equals(s.mean, mean) && java.util.Arrays.equals(s.absMean, absMean);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(min) * 31 + java.util.Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        return "ChannelStats[" + min.length + " channels]";
    }
}
