package io.vitshrink.prune.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.prune.reconstruct.SparseGptReconstructor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SparseGPT's adaptive mask against a literal re-statement of the method on small random layers: no
 * Cholesky trick, every OBS step inverts the Hessian of the columns not yet frozen.
 */
class AdaptiveMaskTest {
    private static final int TOKENS = 60;
    private static final int IN = 12;
    private static final int OUT = 6;
    private static final int CHUNK = 4;
    private static final double LAMBDA = 0.01;

    private final float[] w0 = new float[OUT * IN];
    private final double[] h = new double[IN * IN];

    AdaptiveMaskTest() {
        Random random = new Random(3);
        double[] x = new double[TOKENS * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian() + (i % IN > 0 ? 0.6 * x[i - 1] : 0);
        }
        for (int i = 0; i < IN; i++) {
            for (int j = 0; j < IN; j++) {
                for (int t = 0; t < TOKENS; t++) {
                    h[i * IN + j] += x[t * IN + i] * x[t * IN + j];
                }
            }
        }
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) random.nextGaussian();
        }
    }

    /** The inverse of the trailing block H[from:, from:] by Gauss–Jordan elimination. */
    private static double[][] trailingInverse(double[] a, int n, int from) {
        int m = n - from;
        double[][] g = new double[m][2 * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                g[i][j] = a[(from + i) * n + from + j];
            }
            g[i][m + i] = 1;
        }
        for (int col = 0; col < m; col++) {
            int piv = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(g[r][col]) > Math.abs(g[piv][col])) {
                    piv = r;
                }
            }
            double[] tmp = g[col];
            g[col] = g[piv];
            g[piv] = tmp;
            double p = g[col][col];
            for (int k = 0; k < 2 * m; k++) {
                g[col][k] /= p;
            }
            for (int r = 0; r < m; r++) {
                if (r != col) {
                    double f = g[r][col];
                    for (int k = 0; k < 2 * m; k++) {
                        g[r][k] -= f * g[col][k];
                    }
                }
            }
        }
        double[][] inv = new double[m][m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(g[i], m, inv[i], 0, m);
        }
        return inv;
    }

    /**
     * The method as the paper states it: at each chunk start, saliency w_j² / [(H_{j:, j:})⁻¹]_00 of
     * the current weights; then, column by column, a pruned weight's OBS update over the columns
     * still free: δw = −w_i / [H_R⁻¹]_00 · [H_R⁻¹]_0,: with R = {i, …, n−1}.
     */
    private record Literal(boolean[] pruned, double[][] weights) {
    }

    private static Literal reference(float[] w, double[] hDamped, SparsityPattern pattern, boolean perRow) {
        double[][] rows = new double[OUT][IN];
        for (int r = 0; r < OUT; r++) {
            for (int c = 0; c < IN; c++) {
                rows[r][c] = w[r * IN + c];
            }
        }
        boolean[] pruned = new boolean[OUT * IN];
        for (int c0 = 0; c0 < IN; c0 += CHUNK) {
            double[] scores = new double[OUT * CHUNK];
            for (int j = c0; j < c0 + CHUNK; j++) {
                double d = trailingInverse(hDamped, IN, j)[0][0];
                for (int r = 0; r < OUT; r++) {
                    scores[r * CHUNK + j - c0] = rows[r][j] * rows[r][j] / d;
                }
            }
            boolean[] chunk = MaskSelector.select(scores, OUT, CHUNK, pattern, 0.5, perRow).elements();
            for (int r = 0; r < OUT; r++) {
                for (int i = c0; i < c0 + CHUNK; i++) {
                    pruned[r * IN + i] = chunk[r * CHUNK + i - c0];
                    if (!pruned[r * IN + i]) {
                        continue;
                    }
                    double[][] inv = trailingInverse(hDamped, IN, i);
                    double f = rows[r][i] / inv[0][0];
                    for (int j = i; j < IN; j++) {
                        rows[r][j] -= f * inv[0][j - i];
                    }
                    rows[r][i] = 0;
                }
            }
        }
        return new Literal(pruned, rows);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1x1 row", "1x1 layer", "2:4 row", "2x2 row", "2x2 layer"})
    void matchesTheLiteralMethod(String setting) {
        String[] parts = setting.split(" ");
        SparsityPattern pattern = SparsityPattern.parse(parts[0], "--block");
        boolean perRow = parts[1].equals("row");
        WeightMask mask = AdaptiveMask.select(w0, OUT, IN, h, LAMBDA, pattern, 0.5, perRow, CHUNK);
        Literal expected = reference(w0, Damping.apply(h, IN, LAMBDA), pattern, perRow);
        assertArrayEquals(expected.pruned(), mask.elements(), setting);
        assertEquals(0.5, mask.sparsity(), 1e-9, "half of every chunk goes");
        if (perRow) {
            for (int r = 0; r < OUT; r++) {
                int n = 0;
                for (int c = 0; c < IN; c++) {
                    n += mask.elements()[r * IN + c] ? 1 : 0;
                }
                assertEquals(IN / 2, n, "row " + r);
            }
        }
        // replaying SparseGPT's sweep with the stored mask gives the weights the selection sweep produced
        float[] w = w0.clone();
        SparseGptReconstructor.solve(w, w0, mask.elements(), OUT, IN, h, LAMBDA);
        for (int r = 0; r < OUT; r++) {
            for (int c = 0; c < IN; c++) {
                double e = expected.weights()[r][c];
                assertEquals(e, w[r * IN + c], 1e-4 * (1 + Math.abs(e)), "row " + r + " col " + c);
            }
        }
    }
}
