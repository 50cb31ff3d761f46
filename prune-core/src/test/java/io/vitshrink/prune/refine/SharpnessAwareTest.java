package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SharpnessAwareTest {

    private static double rms(float[] a, boolean[] frozen) {
        double s = 0;
        int n = 0;
        for (int k = 0; k < a.length; k++) {
            if (frozen == null || !frozen[k]) {
                s += a[k] * a[k];
                n++;
            }
        }
        return Math.sqrt(s / n);
    }

    /** Each array is perturbed along its gradient by ρ × its own scale (RMS over the moving entries); frozen entries not at all. */
    @Test
    void theRadiusIsRelativeToEachArraysScaleAndSkipsFrozenEntries() {
        boolean[][] frozen = {{false, true, false, false}, null, null};
        SharpnessAware sam = new SharpnessAware(0.05, frozen, new double[] {2.0, 0.5, 1.0});
        float[][] g = {{3, 100, -4, 0}, {1e-6f, -2e-6f}, {0, 0}};
        float[][] eps = sam.perturbation(g);
        assertThat(eps[0][1]).isZero();
        assertThat(rms(eps[0], frozen[0])).isCloseTo(0.05 * 2.0, within(1e-6));
        assertThat(rms(eps[1], null)).isCloseTo(0.05 * 0.5, within(1e-6)); // a tiny gradient gets the same radius
        assertThat(eps[0][0] / 3.0).isCloseTo(eps[0][2] / -4.0, within(1e-7)); // along g
        assertThat(eps[1][0]).isPositive();
        assertThat(eps[1][1]).isNegative();
        assertThat(eps[2]).containsOnly(0f); // no gradient, nowhere to climb
    }

    /**
     * On f(w) = ½ Σ a_k w_k² the gradient used is a ⊙ (w + ε) with ε along a ⊙ w: larger than at w
     * where the curvature is high. The parameters come back bit for bit.
     */
    @Test
    void theGradientIsTakenUphillAndTheParametersAreRestored() {
        float[] a = {1, 10, 0.1f};
        float[][] w = {{0.3f, -0.7f, 1.1f}};
        float[][] before = {w[0].clone()};
        SharpnessAware sam = new SharpnessAware(0.2, new boolean[][] {null}, new double[] {1.0});
        float[][] atW = {gradient(a, w[0])};
        float[][] eps = sam.perturbation(atW);
        float[][] sharp = sam.gradient(w, atW, p -> new float[][] {gradient(a, p[0])});
        for (int k = 0; k < 3; k++) {
            assertThat(sharp[0][k]).isCloseTo(a[k] * (before[0][k] + eps[0][k]), within(1e-5f));
            assertThat(Math.abs(sharp[0][k])).isGreaterThan(Math.abs(atW[0][k]));
        }
        assertThat(w[0]).containsExactly(before[0]);
    }

    private static float[] gradient(float[] a, float[] w) {
        float[] g = new float[w.length];
        for (int k = 0; k < w.length; k++) {
            g[k] = a[k] * w[k];
        }
        return g;
    }
}
