package io.vitshrink.quant.observers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamingHistogramTest {

    @Test
    void growingPreservesTotalMinMaxAndPercentiles() {
        StreamingHistogram h = new StreamingHistogram(2048);
        float[] a = Samples.uniform(20_000, 0, 1, 1);
        float[] b = Samples.gaussian(20_000, 3, 2, 2);   // grows both ways
        float[] c = Samples.uniform(20_000, -40, -20, 3); // grows down a lot
        h.add(a);
        double firstWidth = h.binWidth();
        h.add(b);
        h.add(c);
        float[] all = concat(a, b, c);
        assertThat(h.total()).isEqualTo(all.length);
        assertThat(Arrays.stream(h.counts()).sum()).isEqualTo(all.length);
        assertThat(h.binWidth() / firstWidth).isEqualTo(Math.pow(2, Math.round(Math.log(h.binWidth() / firstWidth) / Math.log(2))));
        assertThat(h.min()).isEqualTo(min(all));
        assertThat(h.max()).isEqualTo(max(all));
        assertThat(h.lo()).isLessThanOrEqualTo(h.min());
        assertThat(h.hi()).isGreaterThanOrEqualTo(h.max());
        for (double q : new double[] {0.001, 0.01, 0.25, 0.5, 0.9, 0.999}) {
            assertThat(h.quantile(q)).as("q=%s", q).isCloseTo(Samples.quantile(all, q), within(h.binWidth()));
        }
        assertThat(h.absQuantile(0.99)).isCloseTo(Samples.quantile(Samples.abs(all), 0.99), within(h.binWidth()));
        assertThat(h.quantile(0)).isEqualTo(h.min());
        assertThat(h.quantile(1)).isEqualTo(h.max());
    }

    @Test
    void aConstantStartGrowsLater() {
        StreamingHistogram h = new StreamingHistogram(256);
        h.add(new float[] {0, 0, 0, 0});
        assertThat(h.quantile(0.5)).isEqualTo(0);
        h.add(new float[] {1000f, -1f});
        assertThat(h.total()).isEqualTo(6);
        assertThat(h.quantile(0.5)).isCloseTo(0, within(h.binWidth()));
        assertThat(h.max()).isEqualTo(1000f);
        assertThat(h.cdf(999)).isCloseTo(5, within(1.0));
        assertThat(h.cdf(1000)).isEqualTo(6);
    }

    @Test
    void bytesAreFixed() {
        StreamingHistogram h = new StreamingHistogram();
        long before = h.bytes();
        for (int i = 0; i < 100; i++) {
            h.add(Samples.gaussian(500, 0, 1 + i, i));
        }
        assertThat(h.bytes()).isEqualTo(before);
        assertThat(h.counts()).hasSize(StreamingHistogram.DEFAULT_BINS);
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    static float min(float[] x) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : x) {
            m = Math.min(m, v);
        }
        return m;
    }

    static float max(float[] x) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            m = Math.max(m, v);
        }
        return m;
    }
}
