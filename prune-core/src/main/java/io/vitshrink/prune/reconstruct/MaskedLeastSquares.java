package io.vitshrink.prune.reconstruct;

import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact least-squares update of a pruned layer: for each output row w (with original w₀), the
 * kept weights S minimize ‖X·w − X·w₀‖² with the pruned weights P fixed at zero, which gives
 * {@code w_S = w₀_S + (H_SS)⁻¹ H_SP w₀_P} with H = XᵀX (damped). Rows sharing a mask (block
 * patterns, removed channels) share one factorization.
 */
public final class MaskedLeastSquares {

    private MaskedLeastSquares() {
    }

    /**
     * Updates {@code w} ({@code out × in}, row-major; pruned entries may hold anything on entry and
     * are zero on return) in place.
     *
     * @param original the dense weights before pruning
     * @param pruned pruned[r*in + c] is true for a removed weight
     * @param h the undamped Hessian XᵀX ({@code in × in})
     * @param lambda relative damping (see {@link Damping})
     */
    public static void solve(float[] w, float[] original, boolean[] pruned, int out, int in, double[] h, double lambda) {
        double[] a = Damping.apply(h, in, lambda);
        Map<BitSet, List<Integer>> groups = new HashMap<>();
        for (int r = 0; r < out; r++) {
            BitSet mask = new BitSet(in);
            for (int c = 0; c < in; c++) {
                if (pruned[r * in + c]) {
                    mask.set(c);
                }
            }
            groups.computeIfAbsent(mask, k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<BitSet, List<Integer>> g : groups.entrySet()) {
            solveGroup(w, original, g.getKey(), g.getValue(), in, a);
        }
    }

    private static void solveGroup(float[] w, float[] original, BitSet prunedCols, List<Integer> rows, int in, double[] a) {
        int np = prunedCols.cardinality();
        int ns = in - np;
        int[] s = new int[ns];
        int[] p = new int[np];
        for (int c = 0, is = 0, ip = 0; c < in; c++) {
            if (prunedCols.get(c)) {
                p[ip++] = c;
            } else {
                s[is++] = c;
            }
        }
        for (int r : rows) { // pruned weights are zero whatever happens
            for (int c : p) {
                w[r * in + c] = 0f;
            }
        }
        if (np == 0 || ns == 0) {
            if (np == 0) {
                for (int r : rows) {
                    System.arraycopy(original, r * in, w, r * in, in);
                }
            }
            return;
        }
        double[] hss = new double[ns * ns];
        for (int i = 0; i < ns; i++) {
            int ri = s[i] * in;
            for (int j = 0; j <= i; j++) {
                hss[i * ns + j] = a[ri + s[j]];
            }
        }
        Cholesky chol = Cholesky.factor(hss, ns);
        double[] rhs = new double[ns];
        for (int r : rows) {
            int base = r * in;
            for (int i = 0; i < ns; i++) {
                int ri = s[i] * in;
                double sum = 0;
                for (int c : p) {
                    sum += a[ri + c] * original[base + c];
                }
                rhs[i] = sum;
            }
            chol.solveInPlace(rhs);
            for (int i = 0; i < ns; i++) {
                w[base + s[i]] = (float) (original[base + s[i]] + rhs[i]);
            }
        }
    }
}
