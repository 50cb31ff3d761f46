package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MaskRegrowthTest {

    /**
     * A weight of 6 inputs × 2 output features ({@code [in, out]}: entry i·2 + o), each feature keeping
     * three. Feature 0 keeps rows 0–2, feature 1 rows 3–5.
     */
    private static float[] weight() {
        float[] w = new float[12];
        w[0] = 1.0f; // row 0, feature 0
        w[2] = 0.2f; // row 1
        w[4] = 0.5f; // row 2
        w[7] = 0.3f; // row 3, feature 1
        w[9] = 0.4f; // row 4
        w[11] = 0.5f; // row 5
        return w;
    }

    private static boolean[] mask() {
        boolean[] f = new boolean[12];
        for (int r = 0; r < 6; r++) {
            f[r * 2] = r >= 3;
            f[r * 2 + 1] = r < 3;
        }
        return f;
    }

    /**
     * Feature 0: kept gradients alike, so |w| alone ranks the drop (row 1, w = 0.2); pruned rows' mean
     * gradients 0.1, 0.9, −0.5 grow row 4. Feature 1: kept gradients 10, 0.1, 1 make |w|·√v̂ 3, 0.04,
     * 0.5 (row 4 goes although row 3 is smaller); pruned gradients −2, 0.5, 1 grow row 0.
     */
    private static float[] gradient() {
        float[] g = new float[12];
        g[0] = 1;
        g[2] = 1;
        g[4] = 1;
        g[6] = 0.1f;
        g[8] = 0.9f;
        g[10] = -0.5f;
        g[7] = 10;
        g[9] = 0.1f;
        g[11] = 1;
        g[1] = -2;
        g[3] = 0.5f;
        g[5] = 1;
        return g;
    }

    @Test
    void eachFeatureExchangesItsWeakestKeptWeightForItsStrongestPrunedOne() {
        float[] w = weight();
        boolean[] f = mask();
        float[] bias = {0.1f, 0.2f};
        float[][] params = {w, bias};
        boolean[][] frozen = {f, null};
        // a step size so small that the weights are as set when they are scored
        MaskedAdam adam = new MaskedAdam(params, frozen, new double[] {1e-9, 1e-9});
        MaskRegrowth regrowth = new MaskRegrowth(params, frozen, new int[] {2, 0}, 0.45, 8);
        float[][] grads = {gradient(), new float[2]};
        regrowth.observe(grads);
        adam.step(grads);
        assertThat(regrowth.due(1)).isTrue();
        assertThat(regrowth.fraction(1)).isCloseTo(0.45 * 0.5 * (1 + Math.cos(Math.PI / 6)), Offset.offset(1e-12));

        assertThat(regrowth.exchange(1, adam)).isEqualTo(2); // ⌊0.42 × 3⌋ = 1 per feature
        assertThat(f[2]).as("row 1 of feature 0 pruned").isTrue();
        assertThat(w[2]).isZero();
        assertThat(f[8]).as("row 4 of feature 0 grown").isFalse();
        assertThat(f[9]).as("row 4 of feature 1 pruned").isTrue();
        assertThat(w[9]).isZero();
        assertThat(f[1]).as("row 0 of feature 1 grown").isFalse();
        assertThat(adam.secondMoment(0, 8)).isZero(); // grown weights start with fresh moments
        assertThat(adam.secondMoment(0, 1)).isZero();
        for (int o = 0; o < 2; o++) {
            int kept = 0;
            for (int r = 0; r < 6; r++) {
                kept += f[r * 2 + o] ? 0 : 1;
            }
            assertThat(kept).as("feature %d keeps its count", o).isEqualTo(3);
        }
        assertThat(regrowth.exchanged()).isEqualTo(2);
        // the sums start again: nothing is due before another step is observed
        assertThat(regrowth.due(2)).isFalse();

        // the next step moves the grown weights and leaves the pruned ones at zero
        adam.step(new float[][] {gradient(), new float[2]});
        assertThat(w[8]).isNotZero();
        assertThat(w[1]).isNotZero();
        assertThat(w[2]).isZero();
        assertThat(w[9]).isZero();
    }

    @Test
    void exchangesStopAtThreeQuartersOfTheSteps() {
        float[][] params = {weight()};
        boolean[][] frozen = {mask()};
        MaskRegrowth regrowth = new MaskRegrowth(params, frozen, new int[] {2}, 0.3, 400);
        regrowth.observe(new float[][] {gradient()});
        assertThat(regrowth.due(50)).isTrue(); // every 300 / 6 steps
        assertThat(regrowth.due(40)).isFalse();
        assertThat(regrowth.due(300)).isTrue();
        assertThat(regrowth.due(350)).isFalse();
        assertThat(regrowth.fraction(0)).isCloseTo(0.3, Offset.offset(1e-12));
        assertThat(regrowth.fraction(150)).isCloseTo(0.15, Offset.offset(1e-12));
        assertThat(regrowth.fraction(300)).isCloseTo(0, Offset.offset(1e-12));
        assertThat(regrowth.fraction(301)).isZero();
    }

    @Test
    void aFeatureWithTooFewKeptWeightsKeepsItsMask() {
        float[] w = weight();
        boolean[] f = mask();
        MaskedAdam adam = new MaskedAdam(new float[][] {w}, new boolean[][] {f}, new double[] {1e-9});
        MaskRegrowth regrowth = new MaskRegrowth(new float[][] {w}, new boolean[][] {f}, new int[] {2}, 0.2, 8);
        regrowth.observe(new float[][] {gradient()});
        adam.step(new float[][] {gradient()});
        boolean[] before = f.clone();
        assertThat(regrowth.exchange(1, adam)).isZero(); // ⌊0.19 × 3⌋ = 0
        assertThat(f).containsExactly(before);
    }

    /**
     * A feature whose pruned weights had no gradient (nothing downstream reads it) exchanges nothing:
     * grown from zero, they would stay zero and the feature would lose kept weights.
     */
    @Test
    void weightsWithoutGradientAreNotGrown() {
        float[] w = weight();
        boolean[] f = mask();
        float[] g = gradient();
        g[1] = 0; // feature 1's pruned rows 0–2
        g[3] = 0;
        g[5] = 0;
        g[6] = 0; // feature 0's pruned row 3 only: rows 4 and 5 may still grow
        MaskedAdam adam = new MaskedAdam(new float[][] {w}, new boolean[][] {f}, new double[] {1e-9});
        MaskRegrowth regrowth = new MaskRegrowth(new float[][] {w}, new boolean[][] {f}, new int[] {2}, 0.45, 8);
        regrowth.observe(new float[][] {g});
        adam.step(new float[][] {g});
        assertThat(regrowth.exchange(1, adam)).isEqualTo(1);
        assertThat(f[8]).as("row 4 of feature 0 grown").isFalse();
        for (int r = 0; r < 6; r++) {
            assertThat(f[r * 2 + 1]).as("feature 1 row %d as it was", r).isEqualTo(r < 3);
        }
    }

    @Test
    void settingsAreChecked() {
        float[][] params = {weight()};
        assertThatThrownBy(() -> new MaskRegrowth(params, new boolean[][] {mask()}, new int[] {2}, 0, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MaskRegrowth(params, new boolean[][] {null}, new int[] {2}, 0.1, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MaskRegrowth(params, new boolean[][] {mask()}, new int[] {5}, 0.1, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
