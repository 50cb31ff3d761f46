package io.vitshrink.quant.reparam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The numbers each method chooses, on hand-made ranges. */
class ReparamMathTest {
    private static final ChannelRange RANGE = new ChannelRange(new float[] {-1f, -8f, 0.5f, -0.25f, 3f},
            new float[] {3f, 2f, 4.5f, 0.25f, 3f});

    @Test
    void repqMapsEveryChannelOntoTheMeanQuantizer() {
        Reparameterization r = RepQVitReparam.choose("x", List.of("fc"), RANGE, new RepQVitReparam.Options(8, false));
        float[] a = r.scale();
        float[] d = r.shift();
        // live channels 0..3: widths 4, 10, 4, 0.5 → s = w / 255, s̃ = mean
        double target = (4 + 10 + 4 + 0.5) / 4 / 255;
        double zTarget = 0;
        for (int c = 0; c < 4; c++) {
            zTarget += -RANGE.min()[c] / (RANGE.width()[c] / 255.0);
        }
        zTarget /= 4;
        for (int c = 0; c < 4; c++) {
            assertThat(a[c]).isCloseTo((float) (RANGE.width()[c] / 255.0 / target), within(1e-6f));
            // the channel's range maps onto [-z̃ s̃, (255 - z̃) s̃]
            double lo = (RANGE.min()[c] - d[c]) / a[c];
            double hi = (RANGE.max()[c] - d[c]) / a[c];
            assertThat(lo).isCloseTo(-zTarget * target, within(1e-5));
            assertThat(hi).isCloseTo((255 - zTarget) * target, within(1e-5));
        }
        // the constant channel is left alone
        assertThat(a[4]).isEqualTo(1f);
        assertThat(d[4]).isEqualTo(0f);
    }

    @Test
    void repqWithRoundedZeroPointsKeepsWidthsEqualAndMinimaWithinHalfAStep() {
        Reparameterization r = RepQVitReparam.choose("x", List.of("fc"), RANGE, new RepQVitReparam.Options(4, true));
        double step = (4 + 10 + 4 + 0.5) / 4 / 15;
        double firstLo = (RANGE.min()[0] - r.shift()[0]) / r.scale()[0];
        for (int c = 0; c < 4; c++) {
            double lo = (RANGE.min()[c] - r.shift()[c]) / r.scale()[c];
            double hi = (RANGE.max()[c] - r.shift()[c]) / r.scale()[c];
            assertThat(hi - lo).isCloseTo(15 * step, within(1e-5));
            assertThat(Math.abs(lo - firstLo)).isLessThanOrEqualTo(step + 1e-6);
        }
    }

    @Test
    void smoothQuantBalancesActivationAndWeightMagnitudes() {
        float[] wMax = {0.5f, 2f, 1f, 4f, 1f};
        Reparameterization r = SmoothQuantReparam.choose("x", List.of("fc"), RANGE, wMax,
                SmoothQuantReparam.Options.defaults());
        for (int c = 0; c < 4; c++) {
            double delta = (RANGE.min()[c] + RANGE.max()[c]) / 2.0;
            double a = RANGE.width()[c] / 2.0;
            assertThat(r.shift()[c]).isEqualTo((float) delta);
            assertThat(r.scale()[c]).isCloseTo((float) Math.sqrt(a / wMax[c]), within(1e-6f));
            // after migration the activation and weight magnitudes are equal: A / s = M · s
            assertThat(a / r.scale()[c]).isCloseTo(wMax[c] * r.scale()[c], within(1e-5));
        }
        assertThat(r.scale()[4]).isEqualTo(1f);

        Reparameterization noShift = SmoothQuantReparam.choose("x", List.of("fc"), RANGE, wMax,
                SmoothQuantReparam.Options.defaults().withShift(false).withAlpha(1.0));
        assertThat(noShift.hasShift()).isFalse();
        assertThat(noShift.scale()[1]).isEqualTo(8f);
    }

    @Test
    void descriptionsValidateTheirNumbers() {
        assertThatThrownBy(() -> new Reparameterization("k", "x", List.of(), new float[] {0f}, new float[] {0f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> new Reparameterization("k", "x", List.of(), new float[] {1f}, new float[] {0f, 1f}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChannelRange(new float[] {1f}, new float[] {0f}))
                .isInstanceOf(IllegalArgumentException.class);
        Reparameterization a = new Reparameterization("k", "x", List.of("l"), new float[] {2f}, new float[] {1f});
        assertThat(a).isEqualTo(new Reparameterization("k", "x", List.of("l"), new float[] {2f}, new float[] {1f}));
    }
}
