package io.vitshrink.reports.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationHistogramTest {

    @Test
    void nonNegativeValuesAreBinnedOnALogAxisAndZerosAreCountedApart() {
        Random r = new Random(1);
        float[] v = new float[10_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 10 == 0 ? 0f : (float) Math.pow(2, -20 * r.nextDouble()); // log-uniform in [2^-20, 1]
        }
        var bins = ActivationHistogram.bin(v);
        assertThat(bins.log()).isTrue();
        assertThat(bins.zeros()).isEqualTo(1000);
        assertThat(bins.total()).isEqualTo(9000);
        assertThat(Arrays.stream(bins.counts()).sum()).isEqualTo(9000);
        // log-uniform values fill log-spaced bins about evenly
        long max = Arrays.stream(bins.counts()).max().orElseThrow();
        long min = Arrays.stream(bins.counts()).min().orElseThrow();
        assertThat(min).isGreaterThan(max / 3);
    }

    @Test
    void signedValuesAreBinnedLinearlyAndEveryValueIsCounted() {
        float[] v = {-0.17f, -0.1f, 0f, 0f, 0.5f, 1f, 3f, 5.5f};
        var bins = ActivationHistogram.bin(v);
        assertThat(bins.log()).isFalse();
        assertThat(bins.zeros()).isZero();
        assertThat(Arrays.stream(bins.counts()).sum()).isEqualTo(v.length);
        assertThat(bins.edges()[0]).isEqualTo(-0.17f, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(bins.edges()[bins.edges().length - 1]).isEqualTo(5.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(bins.counts()[bins.counts().length - 1]).isEqualTo(1); // the maximum lands in the last bin
    }

    @Test
    void levelsOfEveryQuantizerAppearInTheLegendAndNonFiniteInputIsRefused() {
        float[] v = {0.001f, 0.01f, 0.1f, 0.5f, 0f};
        String svg = SvgCharts.svg(ActivationHistogram.build("probs", v, List.of(
                new ActivationHistogram.Levels("uniform", new float[] {0, 0.25f, 0.5f, 0.75f}, 0.36),
                new ActivationHistogram.Levels("log2", new float[] {0, 0.125f, 0.25f, 0.5f, 1f}, 0.015))), 600, 420, "h");
        assertThat(svg).contains("uniform levels (error 0.360)").contains("log2 levels (error 0.0150)")
                .contains("1 exact zeros not drawn");
        assertThatThrownBy(() -> ActivationHistogram.build("nan", new float[] {Float.NaN}, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
