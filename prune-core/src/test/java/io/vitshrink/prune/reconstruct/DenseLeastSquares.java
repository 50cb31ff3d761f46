package io.vitshrink.prune.reconstruct;

/**
 * An independent dense reference for the tests: builds the normal equations of one row's masked
 * least-squares problem straight from the token matrix X and solves them by Gaussian elimination
 * with partial pivoting (no Cholesky, no Gram shortcuts).
 */
final class DenseLeastSquares {

    private DenseLeastSquares() {
    }

    /** min over w_S of ‖X w − X w₀‖² + λ‖w_S − w₀_S‖² with w_P = 0, for one row; x is tokens × in. */
    static double[] solveRow(double[] x, int tokens, int in, double[] w0, boolean[] prunedCols, double ridge) {
        return solveRowToTarget(x, x, tokens, in, w0, prunedCols, ridge);
    }

    /**
     * min over w_S of ‖X̃ w − X w₀‖² + λ‖w_S − w₀_S‖² with w_P = 0: the layer sees X̃ but should
     * reproduce the dense output X·w₀ (both tokens × in, the same tokens).
     */
    static double[] solveRowToTarget(double[] xt, double[] x, int tokens, int in, double[] w0, boolean[] prunedCols,
            double ridge) {
        int[] s = java.util.stream.IntStream.range(0, in).filter(c -> !prunedCols[c]).toArray();
        int n = s.length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int t = 0; t < tokens; t++) {
                    sum += xt[t * in + s[i]] * xt[t * in + s[j]];
                }
                a[i][j] = sum + (i == j ? ridge : 0);
            }
            double rhs = 0; // X̃_Sᵀ X w₀ + λ w₀_S
            for (int t = 0; t < tokens; t++) {
                double xw = 0;
                for (int c = 0; c < in; c++) {
                    xw += x[t * in + c] * w0[c];
                }
                rhs += xt[t * in + s[i]] * xw;
            }
            a[i][n] = rhs + ridge * w0[s[i]];
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[piv];
            a[piv] = tmp;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int k = col; k <= n; k++) {
                        a[r][k] -= f * a[col][k];
                    }
                }
            }
        }
        double[] w = new double[in];
        for (int i = 0; i < n; i++) {
            w[s[i]] = a[i][n] / a[i][i];
        }
        return w;
    }
}
