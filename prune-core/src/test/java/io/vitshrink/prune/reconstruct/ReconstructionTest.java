package io.vitshrink.prune.reconstruct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.onnx.linalg.InputGram;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both reconstructions against an independent dense solver, on small random layers. */
class ReconstructionTest {
    private static final int TOKENS = 60;
    private static final int IN = 12;
    private static final int OUT = 5;

    private final Random random = new Random(7);
    private final double[] x = new double[TOKENS * IN];
    private final float[] w0 = new float[OUT * IN];
    private final double[] h;
    private final double meanDiag;

    ReconstructionTest() {
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            // correlated features, so that reconstruction has something to gain
            x[i] = random.nextGaussian() + (i % IN > 0 ? 0.6 * x[i - 1] : 0);
            xf[i] = (float) x[i];
            x[i] = xf[i];
        }
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) random.nextGaussian();
        }
        InputGram g = new InputGram(IN);
        g.add(xf, TOKENS);
        h = g.matrix();
        double m = 0;
        for (int i = 0; i < IN; i++) {
            m += h[i * IN + i];
        }
        meanDiag = m / IN;
    }

    private boolean[] randomMask(double sparsity) {
        boolean[] p = new boolean[OUT * IN];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextDouble() < sparsity;
        }
        return p;
    }

    /** ‖X(w − w₀)‖² summed over rows. */
    private double outputError(float[] w) {
        double e = 0;
        for (int r = 0; r < OUT; r++) {
            for (int t = 0; t < TOKENS; t++) {
                double d = 0;
                for (int c = 0; c < IN; c++) {
                    d += x[t * IN + c] * (w[r * IN + c] - w0[r * IN + c]);
                }
                e += d * d;
            }
        }
        return e;
    }

    private static float[] zeroed(float[] w, boolean[] pruned) {
        float[] z = w.clone();
        for (int i = 0; i < z.length; i++) {
            if (pruned[i]) {
                z[i] = 0;
            }
        }
        return z;
    }

    @Test
    void exactMatchesTheDenseSolverRowByRow() {
        double lambda = 0.01;
        boolean[] pruned = randomMask(0.5);
        float[] w = w0.clone();
        MaskedLeastSquares.solve(w, w0, pruned, OUT, IN, h, lambda);
        double ridge = lambda * meanDiag;
        for (int r = 0; r < OUT; r++) {
            boolean[] cols = java.util.Arrays.copyOfRange(pruned, r * IN, (r + 1) * IN);
            double[] row0 = new double[IN];
            for (int c = 0; c < IN; c++) {
                row0[c] = w0[r * IN + c];
            }
            double[] ref = DenseLeastSquares.solveRow(x, TOKENS, IN, row0, cols, ridge);
            for (int c = 0; c < IN; c++) {
                assertEquals(ref[c], w[r * IN + c], 1e-4 * (1 + Math.abs(ref[c])), "row " + r + " col " + c);
            }
        }
    }

    @Test
    void reconstructionLowersTheOutputError() {
        boolean[] pruned = randomMask(0.5);
        float[] exact = w0.clone();
        float[] gpt = w0.clone();
        MaskedLeastSquares.solve(exact, w0, pruned, OUT, IN, h, 0.01);
        SparseGptReconstructor.solve(gpt, w0, pruned, OUT, IN, h, 0.01);
        double none = outputError(zeroed(w0, pruned));
        double eExact = outputError(exact);
        double eGpt = outputError(gpt);
        assertTrue(eExact < 0.8 * none, "exact " + eExact + " vs none " + none);
        assertTrue(eGpt < none, "sparsegpt " + eGpt + " vs none " + none);
        assertTrue(eExact <= eGpt * (1 + 1e-6), "exact is optimal: " + eExact + " vs " + eGpt);
        for (int i = 0; i < pruned.length; i++) {
            if (pruned[i]) {
                assertEquals(0f, exact[i]);
                assertEquals(0f, gpt[i]);
            }
        }
    }

    @Test
    void sparseGptIsExactWhenPrunedColumnsComeFirst() {
        boolean[] pruned = new boolean[OUT * IN];
        for (int r = 0; r < OUT; r++) {
            for (int c = 0; c < 4 + r % 2; c++) { // each row prunes a leading run of columns
                pruned[r * IN + c] = true;
            }
        }
        float[] exact = w0.clone();
        float[] gpt = w0.clone();
        MaskedLeastSquares.solve(exact, w0, pruned, OUT, IN, h, 0.01);
        SparseGptReconstructor.solve(gpt, w0, pruned, OUT, IN, h, 0.01);
        for (int i = 0; i < exact.length; i++) {
            assertEquals(exact[i], gpt[i], 1e-4 * (1 + Math.abs(exact[i])), "element " + i);
        }
    }

    @Test
    void choleskySolvesAndInverts() {
        double[] a = Damping.apply(h, IN, 0.0);
        Cholesky c = Cholesky.factor(a, IN);
        double[] inv = c.inverse();
        for (int i = 0; i < IN; i++) {
            for (int j = 0; j < IN; j++) {
                double s = 0;
                for (int k = 0; k < IN; k++) {
                    s += a[i * IN + k] * inv[k * IN + j];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-8);
            }
        }
        double[] u = c.upper();
        for (int i = 0; i < IN; i++) { // Uᵀ·U = A
            for (int j = 0; j < IN; j++) {
                double s = 0;
                for (int k = 0; k < IN; k++) {
                    s += u[k * IN + i] * u[k * IN + j];
                }
                assertEquals(a[i * IN + j], s, 1e-8 * (1 + Math.abs(a[i * IN + j])));
            }
        }
    }
}
