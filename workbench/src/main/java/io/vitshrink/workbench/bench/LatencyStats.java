package io.vitshrink.workbench.bench;

import java.util.Arrays;

/**
 * Summary of repeated timings in milliseconds. The median is the figure to quote on shared,
 * noisy machines; p10–p90 is the spread.
 */
public record LatencyStats(int batch, int runs, double p50, double p10, double p90, double min, double max) {

    public static LatencyStats of(int batch, double[] millis) {
        double[] s = millis.clone();
        Arrays.sort(s);
        return new LatencyStats(batch, s.length, quantile(s, 0.5), quantile(s, 0.1), quantile(s, 0.9), s[0], s[s.length - 1]);
    }

    /** Linear interpolation between closest ranks (NumPy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Images per second at the median latency. */
    public double imagesPerSecond() {
        return batch * 1000.0 / p50;
    }
}
