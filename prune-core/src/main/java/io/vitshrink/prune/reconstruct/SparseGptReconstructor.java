package io.vitshrink.prune.reconstruct;

import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;

/**
 * SparseGPT's reconstruction with a given mask (Frantar &amp; Alistarh, "SparseGPT: Massive Language
 * Models Can Be Accurately Pruned in One-Shot", 2023): input columns are visited left to right;
 * each removed weight's error is spread over the not-yet-visited columns of its row with the OBS
 * update {@code w_{j>i} −= (w_i / U_ii)·U_{i,j}}, where U is the upper Cholesky factor of
 * (H + λI)⁻¹. One factorization per layer, shared by every row, so it costs O(in³ + out·in²).
 * Visited columns are frozen, so the result equals the exact least squares of
 * {@link MaskedLeastSquares} when every pruned column comes before every kept one, and approximates
 * it otherwise.
 */
public final class SparseGptReconstructor {

    private SparseGptReconstructor() {
    }

    /** Same contract as {@link MaskedLeastSquares#solve}. */
    public static void solve(float[] w, float[] original, boolean[] pruned, int out, int in, double[] h, double lambda) {
        double[] a = Damping.apply(h, in, lambda);
        double[] inv = Cholesky.factor(a, in).inverse();
        double[] u = Cholesky.factor(inv, in).upper();
        double[] row = new double[in];
        for (int r = 0; r < out; r++) {
            int base = r * in;
            for (int c = 0; c < in; c++) {
                row[c] = original[base + c];
            }
            for (int i = 0; i < in; i++) {
                if (!pruned[base + i]) {
                    continue;
                }
                double err = row[i] / u[i * in + i];
                int ui = i * in;
                for (int j = i + 1; j < in; j++) {
                    row[j] -= err * u[ui + j];
                }
                row[i] = 0;
            }
            for (int c = 0; c < in; c++) {
                w[base + c] = pruned[base + c] ? 0f : (float) row[c];
            }
        }
    }
}
