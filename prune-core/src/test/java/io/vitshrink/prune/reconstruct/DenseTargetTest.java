package io.vitshrink.prune.reconstruct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reconstruction toward the dense output on drifted inputs, against the independent dense solver
 * ({@link DenseLeastSquares#solveRowToTarget}) on small random layers.
 */
class DenseTargetTest {
    private static final int TOKENS = 60;
    private static final int IN = 12;
    private static final int OUT = 5;

    private final Random random = new Random(11);
    /** The dense model's inputs. */
    private final double[] x = new double[TOKENS * IN];
    /** The same tokens through the pruned model: drifted. */
    private final double[] xt = new double[TOKENS * IN];
    private final float[] w0 = new float[OUT * IN];
    private final double[] hTilde = new double[IN * IN];
    private final double[] cross = new double[IN * IN];
    private double meanDiag;

    DenseTargetTest() {
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian() + (i % IN > 0 ? 0.6 * x[i - 1] : 0);
            // a drift that mixes features (so that a refit can undo part of it) plus noise
            xt[i] = 0.9 * x[i] + (i % IN > 1 ? 0.3 * x[i - 2] : 0) + 0.1 * random.nextGaussian();
        }
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < IN; i++) {
            for (int j = 0; j < IN; j++) {
                double h = 0;
                double c = 0;
                for (int t = 0; t < TOKENS; t++) {
                    h += xt[t * IN + i] * xt[t * IN + j];
                    c += xt[t * IN + i] * x[t * IN + j];
                }
                hTilde[i * IN + j] = h;
                cross[i * IN + j] = c;
            }
            meanDiag += hTilde[i * IN + i] / IN;
        }
    }

    private double[] row(float[] w, int r) {
        double[] d = new double[IN];
        for (int c = 0; c < IN; c++) {
            d[c] = w[r * IN + c];
        }
        return d;
    }

    /** ‖X̃w − Xw₀‖² summed over rows. */
    private double denseTargetError(float[] w) {
        double e = 0;
        for (int r = 0; r < OUT; r++) {
            for (int t = 0; t < TOKENS; t++) {
                double d = 0;
                for (int c = 0; c < IN; c++) {
                    d += xt[t * IN + c] * w[r * IN + c] - x[t * IN + c] * w0[r * IN + c];
                }
                e += d * d;
            }
        }
        return e;
    }

    private boolean[] randomMask() {
        boolean[] p = new boolean[OUT * IN];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextBoolean();
        }
        return p;
    }

    @Test
    void refitIsTheDampedLeastSquaresFitToTheDenseOutput() {
        float[] w = w0.clone();
        DenseTarget.refit(w, OUT, IN, hTilde, cross, 0.01, 1);
        for (int r = 0; r < OUT; r++) {
            double[] ref = DenseLeastSquares.solveRowToTarget(xt, x, TOKENS, IN, row(w0, r), new boolean[IN], 0.01 * meanDiag);
            for (int c = 0; c < IN; c++) {
                assertEquals(ref[c], w[r * IN + c], 1e-4 * (1 + Math.abs(ref[c])), "row " + r + " col " + c);
            }
        }
    }

    @Test
    void refitThenMaskedLeastSquaresSolvesTheMaskedProblemToTheDenseOutput() {
        double lambda = 1e-9; // the decomposition is exact without damping
        boolean[] pruned = randomMask();
        float[] refitted = w0.clone();
        DenseTarget.refit(refitted, OUT, IN, hTilde, cross, lambda, 1);
        float[] w = refitted.clone();
        MaskedLeastSquares.solve(w, refitted, pruned, OUT, IN, hTilde, lambda);
        for (int r = 0; r < OUT; r++) {
            boolean[] cols = java.util.Arrays.copyOfRange(pruned, r * IN, (r + 1) * IN);
            double[] ref = DenseLeastSquares.solveRowToTarget(xt, x, TOKENS, IN, row(w0, r), cols, lambda * meanDiag);
            for (int c = 0; c < IN; c++) {
                assertEquals(ref[c], w[r * IN + c], 1e-3 * (1 + Math.abs(ref[c])), "row " + r + " col " + c);
            }
        }
        // the usual reconstruction keeps the layer's own output on the drifted inputs, not the dense one
        float[] own = w0.clone();
        MaskedLeastSquares.solve(own, w0, pruned, OUT, IN, hTilde, lambda);
        assertTrue(denseTargetError(w) < denseTargetError(own), denseTargetError(w) + " vs " + denseTargetError(own));
    }

    /** A share a of the dense output: the fit to the blended target ((1 − a)X̃ + aX)w₀, here by a reference on a blended X. */
    @Test
    void partialWeightFitsTheBlendedTarget() {
        double a = 0.3;
        float[] w = w0.clone();
        DenseTarget.refit(w, OUT, IN, hTilde, cross, 0.01, a);
        double[] blend = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            blend[i] = (1 - a) * xt[i] + a * x[i];
        }
        for (int r = 0; r < OUT; r++) {
            double[] ref = DenseLeastSquares.solveRowToTarget(xt, blend, TOKENS, IN, row(w0, r), new boolean[IN], 0.01 * meanDiag);
            for (int c = 0; c < IN; c++) {
                assertEquals(ref[c], w[r * IN + c], 1e-4 * (1 + Math.abs(ref[c])), "row " + r + " col " + c);
            }
        }
    }
}
