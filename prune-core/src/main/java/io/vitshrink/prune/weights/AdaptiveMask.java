package io.vitshrink.prune.weights;

import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;
import java.util.BitSet;

/**
 * SparseGPT's adaptive mask selection (Frantar &amp; Alistarh 2023, section 3.3): the mask is chosen
 * during the column-by-column OBS sweep of {@link io.vitshrink.prune.reconstruct.SparseGptReconstructor}, one chunk of input
 * columns at a time, from the OBS saliency w²/U_jj² of the weights <em>as already updated</em> by
 * the pruning of the columns before the chunk (U: upper Cholesky factor of (H + λI)⁻¹, so U_jj² is
 * the inverse-Hessian diagonal of the columns not yet frozen). A mask fixed before the sweep (Wanda,
 * or the OBS score of the dense weights) cannot see that earlier removals moved weight into later
 * columns.
 *
 * <p>The sweep with the returned mask is exactly {@link io.vitshrink.prune.reconstruct.SparseGptReconstructor} with that mask, so a
 * plan stores the mask and replays it; {@link io.vitshrink.prune.reconstruct.MaskedLeastSquares} on the same mask gives the optimal
 * kept weights for it.
 */
public final class AdaptiveMask {
    /** SparseGPT's default chunk ("blocksize") of input columns per selection. */
    public static final int DEFAULT_CHUNK = 128;

    private AdaptiveMask() {
    }

    /**
     * @param w the layer's weights ({@code out × in}, row-major; not modified)
     * @param h undamped XᵀX ({@code in × in})
     * @param sparsity fraction to remove in every chunk (ignored for N:M)
     * @param perRow compare within each band of output rows (as {@link MaskSelector}); false: across
     *     the chunk of the whole layer (SparseGPT's own comparison group)
     * @param chunk columns per selection, rounded down to a multiple of the pattern's width (at least one)
     */
    public static WeightMask select(float[] w, int out, int in, double[] h, double lambda, SparsityPattern pattern,
            double sparsity, boolean perRow, int chunk) {
        double[] a = Damping.apply(h, in, lambda);
        double[] u = Cholesky.factor(Cholesky.factor(a, in).inverse(), in).upper();
        int unit = pattern.isNm() ? pattern.m() : pattern.cols();
        int width = Math.max(unit, chunk / unit * unit);
        double[] rows = new double[out * in];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = w[k];
        }
        boolean[] pruned = new boolean[out * in];
        for (int c0 = 0; c0 < in; c0 += width) {
            int c1 = Math.min(in, c0 + width);
            int cw = c1 - c0;
            double[] scores = new double[out * cw];
            for (int r = 0; r < out; r++) {
                for (int c = c0; c < c1; c++) {
                    double v = rows[r * in + c];
                    double d = u[c * in + c];
                    scores[r * cw + c - c0] = v * v / (d * d);
                }
            }
            boolean[] chunkPruned = MaskSelector.select(scores, out, cw, pattern, sparsity, perRow).elements();
            for (int r = 0; r < out; r++) {
                System.arraycopy(chunkPruned, r * cw, pruned, r * in + c0, cw);
                sweep(rows, r, in, c0, c1, pruned, u);
            }
        }
        return toMask(pruned, out, in, pattern);
    }

    /** OBS updates of one row for the pruned columns in [c0, c1): each error spreads over the columns after it. */
    private static void sweep(double[] rows, int r, int in, int c0, int c1, boolean[] pruned, double[] u) {
        int base = r * in;
        for (int i = c0; i < c1; i++) {
            if (!pruned[base + i]) {
                continue;
            }
            double err = rows[base + i] / u[i * in + i];
            int ui = i * in;
            for (int j = i + 1; j < in; j++) {
                rows[base + j] -= err * u[ui + j];
            }
            rows[base + i] = 0;
        }
    }

    /** The element mask as a {@link WeightMask} of the pattern (chunks are aligned to its units, so blocks are whole). */
    private static WeightMask toMask(boolean[] pruned, int out, int in, SparsityPattern pattern) {
        BitSet units = new BitSet();
        if (pattern.isNm()) {
            for (int k = 0; k < pruned.length; k++) {
                if (pruned[k]) {
                    units.set(k);
                }
            }
            return new WeightMask(pattern, out, in, units);
        }
        int bc = (in + pattern.cols() - 1) / pattern.cols();
        for (int r = 0; r < out; r += pattern.rows()) {
            for (int c = 0; c < in; c += pattern.cols()) {
                if (pruned[r * in + c]) {
                    units.set((r / pattern.rows()) * bc + c / pattern.cols());
                }
            }
        }
        return new WeightMask(pattern, out, in, units);
    }
}
