package io.vitshrink.quant.observers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import org.junit.jupiter.api.Test;

class HistogramObserversTest {

    private static final UniformSpec U8 = UniformSpec.activations(8);
    private static final UniformSpec S8 = new UniformSpec(8, true, true, Granularity.PER_TENSOR, 0);

    @Test
    void percentileIsTheSamplePercentileWithinABin() {
        for (float[] x : new float[][] {Samples.uniform(100_000, -2, 5, 1), Samples.gaussian(100_000, 1, 3, 2)}) {
            PercentileObserver o = new PercentileObserver("t", 99.9, 2048);
            Samples.feed(o, x, 100, 50);
            double bin = o.histogram().binWidth();
            ClippingRange affine = o.range(U8);
            assertThat((double) affine.hi()).isCloseTo(Samples.quantile(x, 0.999), within(bin));
            assertThat((double) affine.lo()).isCloseTo(Samples.quantile(x, 0.001), within(bin));
            ClippingRange sym = o.range(S8);
            assertThat(Math.max(-sym.lo(), sym.hi())).isCloseTo((float) Samples.quantile(Samples.abs(x), 0.999),
                    within((float) bin));
        }
    }

    @Test
    void entropyAndMseClipHeavyTails() {
        float[] t = Samples.studentT2(197 * 1000, 3);
        float[] softmax = Samples.softmax(2000, 197, 4);
        for (Object[] c : new Object[][] {{t, S8}, {t, U8}, {softmax, U8}, {softmax, S8}}) {
            float[] x = (float[]) c[0];
            UniformSpec spec = (UniformSpec) c[1];
            MinMaxObserver minMax = new MinMaxObserver("t");
            EntropyObserver entropy = new EntropyObserver("t");
            MseObserver mse = new MseObserver("t");
            for (ActivationObserver o : new ActivationObserver[] {minMax, entropy, mse}) {
                Samples.feed(o, x, 197, 64);
            }
            ClippingRange full = minMax.range(spec);
            assertThat(entropy.range(spec).narrowerThan(full)).as("entropy %s", spec).isTrue();
            assertThat(mse.range(spec).narrowerThan(full)).as("mse %s", spec).isTrue();
            double mseError = Samples.squaredError(x, mse.params(spec));
            double minMaxError = Samples.squaredError(x, minMax.params(spec));
            assertThat(mseError).as("mse error %s", spec).isLessThan(minMaxError);
        }
    }

    @Test
    void expectedErrorFromTheHistogramTracksTheRealError() {
        for (float[] x : new float[][] {Samples.uniform(100_000, -1, 3, 11), Samples.gaussian(100_000, 0, 1, 12)}) {
            MseObserver o = new MseObserver("t");
            Samples.feed(o, x, 100, 100);
            for (UniformSpec spec : new UniformSpec[] {U8, S8, UniformSpec.activations(4)}) {
                for (ClippingRange r : new ClippingRange[] {o.range(spec), new ClippingRange(-0.5f, 1.5f)}) {
                    UniformParams p = UniformParams.fromRanges(spec, new float[] {r.lo()}, new float[] {r.hi()}, 0);
                    double real = Samples.squaredError(x, p);
                    assertThat(MseObserver.expectedError(o.histogram(), spec, r)).as("%s %s", spec, r)
                            .isCloseTo(real, within(0.03 * real));
                }
            }
        }
    }

    @Test
    void softmaxGetsAOneSidedEntropyRange() {
        float[] x = Samples.softmax(2000, 197, 5);
        EntropyObserver o = new EntropyObserver("softmax");
        Samples.feed(o, x, 197, 32);
        ClippingRange r = o.range(U8);
        assertThat(r.lo()).isGreaterThanOrEqualTo(0f);
        assertThat(o.params(U8).zeroPoint()[0]).isZero();
    }

    @Test
    void gaussianRangesAreSensible() {
        float[] x = Samples.gaussian(200_000, 0, 1, 6);
        EntropyObserver e = new EntropyObserver("g");
        MseObserver m = new MseObserver("g");
        Samples.feed(e, x, 100, 100);
        Samples.feed(m, x, 100, 100);
        // 8-bit optimal clipping of a unit Gaussian lies around 3–4.5 sigma (Banner et al. 2019: ~4σ for MSE)
        assertThat(e.range(S8).hi()).isBetween(2.5f, 4.8f);
        assertThat(m.range(S8).hi()).isBetween(2.5f, 4.8f);
        // at 16 bits nothing needs clipping
        UniformSpec s16 = new UniformSpec(16, true, true, Granularity.PER_TENSOR, 0);
        float max = StreamingHistogramTest.max(Samples.abs(x));
        assertThat(e.range(s16).hi()).isCloseTo(max, within(0.05f * max));
    }

    @Test
    void constantSingleElementAndNegativeOnly() {
        for (ObserverKind kind : ObserverKind.values()) {
            ActivationObserver c = kind.create("c");
            c.update(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new long[] {2, 2});
            assertThat(c.range(U8)).as(kind.key()).isEqualTo(new ClippingRange(0.5f, 0.5f));
            ActivationObserver one = kind.create("one");
            one.update(new float[] {-7f}, new long[] {1, 1, 1});
            assertThat(one.range(S8)).as(kind.key()).isEqualTo(new ClippingRange(-7f, -7f));
            assertThat(one.params(S8).scale()[0]).isEqualTo(7f / 127);

            float[] neg = Samples.uniform(50_000, -4, -1, 7);
            ActivationObserver n = kind.create("neg");
            Samples.feed(n, neg, 100, 50);
            ClippingRange r = n.range(U8);
            assertThat(r.lo()).as(kind.key()).isBetween(-4f, -3.5f);
            assertThat(r.hi()).as(kind.key()).isBetween(-4f, -1f);
            UniformParams p = n.params(U8);
            assertThat(p.zeroPoint()[0]).as(kind.key()).isEqualTo(255);
        }
    }

    @Test
    void oneBatchOrManyAgreeWithinABin() {
        float[] x = Samples.gaussian(197 * 192 * 8, 0.5, 1.5, 8);
        for (ObserverKind kind : new ObserverKind[] {ObserverKind.PERCENTILE, ObserverKind.ENTROPY, ObserverKind.MSE}) {
            HistogramObserver one = (HistogramObserver) kind.create("t");
            one.update(x, new long[] {8, 197, 192});
            HistogramObserver many = (HistogramObserver) kind.create("t");
            // growing batches: the first is narrow, so the histogram has to grow several times
            int at = 0;
            for (int rows = 1; at < x.length; rows *= 3) {
                int n = Math.min(rows * 192, x.length - at);
                many.update(java.util.Arrays.copyOfRange(x, at, at + n), new long[] {n / 192, 192});
                at += n;
            }
            double bin = Math.max(one.histogram().binWidth(), many.histogram().binWidth());
            // percentile and MSE: within a bin; KL divergence is flat near its minimum and sees sampling noise
            // in sparse tails differently at different bin widths, so its argmin may move by a few % of the range
            double tolerance = kind == ObserverKind.ENTROPY ? 0.05 * (one.histogram().max() - one.histogram().min()) : bin;
            for (UniformSpec spec : new UniformSpec[] {U8, S8}) {
                assertThat((double) many.range(spec).lo()).as("%s %s", kind, spec).isCloseTo(one.range(spec).lo(), within(tolerance));
                assertThat((double) many.range(spec).hi()).as("%s %s", kind, spec).isCloseTo(one.range(spec).hi(), within(tolerance));
            }
        }
    }

    @Test
    void bytesStayConstantFrom10To10000Batches() {
        for (ObserverKind kind : ObserverKind.values()) {
            ActivationObserver o = kind.create("t");
            float[] batch = Samples.gaussian(64, 0, 1, 9);
            long[] shape = {1, 64};
            for (int i = 0; i < 10; i++) {
                o.update(batch, shape);
            }
            long after10 = o.bytes();
            float[] wider = Samples.gaussian(64, 0, 10, 10);
            for (int i = 0; i < 9_990; i++) {
                o.update(i % 2 == 0 ? batch : wider, shape);
            }
            assertThat(o.bytes()).as(kind.key()).isEqualTo(after10);
            assertThat(o.images()).isEqualTo(10_000);
        }
    }
}
