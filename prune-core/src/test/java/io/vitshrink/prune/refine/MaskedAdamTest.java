package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MaskedAdamTest {

    @Test
    void minimizesAQuadraticAndNeverMovesFrozenEntries() {
        float[] p = {0f, 0f, 5f, 0f};
        float[] b = {1f};
        boolean[] frozen = {false, true, false, false};
        float[] target = {1f, 3f, -2f, 0.5f};
        MaskedAdam adam = new MaskedAdam(new float[][] {p, b}, new boolean[][] {frozen, null}, new double[] {0.05, 0.05});
        for (int s = 0; s < 2000; s++) {
            float[] g = new float[4];
            for (int k = 0; k < 4; k++) {
                g[k] = 2 * (p[k] - target[k]);
            }
            adam.step(new float[][] {g, {2 * (b[0] + 1)}});
        }
        assertThat(p[1]).isZero(); // frozen: its gradient was ignored
        assertThat(p[0]).isCloseTo(1f, Offset.offset(0.05f));
        assertThat(p[2]).isCloseTo(-2f, Offset.offset(0.05f));
        assertThat(p[3]).isCloseTo(0.5f, Offset.offset(0.05f));
        assertThat(b[0]).isCloseTo(-1f, Offset.offset(0.05f));
        assertThat(adam.steps()).isEqualTo(2000);
    }

    /** Adam's first step moves every entry by its step size (m̂/√v̂ = ±1); a schedule's factor scales that move. */
    @Test
    void aStepFactorScalesTheMove() {
        float[] full = {0f, 0f};
        float[] quarter = {0f, 0f};
        float[][] g = {{3f, -0.5f}};
        new MaskedAdam(new float[][] {full}, new boolean[][] {null}, new double[] {0.1}).step(g);
        new MaskedAdam(new float[][] {quarter}, new boolean[][] {null}, new double[] {0.1}).step(g, 0.25);
        assertThat(full[0]).isCloseTo(-0.1f, Offset.offset(1e-6f));
        assertThat(full[1]).isCloseTo(0.1f, Offset.offset(1e-6f));
        assertThat(quarter[0]).isCloseTo(-0.025f, Offset.offset(1e-6f));
        assertThat(quarter[1]).isCloseTo(0.025f, Offset.offset(1e-6f));
    }

    @Test
    void masksMustMatchTheirArrays() {
        assertThatThrownBy(() -> new MaskedAdam(new float[][] {new float[3]}, new boolean[][] {new boolean[2]}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
