package io.vitshrink.prune.allocation;

import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.prune.weights.MaskSelector;
import io.vitshrink.prune.weights.SparsityPattern;

/**
 * How much one layer suffers at each candidate sparsity: the relative output error on the
 * calibration activations, ‖X·(W − W_s)ᵀ‖² / ‖X·Wᵀ‖² = Σ_r δ_rᵀ H δ_r / Σ_r w_rᵀ H w_r, with W_s
 * the layer pruned by its scores (no reconstruction) and H = XᵀX.
 *
 * @param layer Linear node name
 * @param weights weight count of the layer
 * @param macs MACs per image of the layer (dense)
 * @param sparsities candidate sparsities, ascending
 * @param errors relative output error at each candidate
 */
public record LayerSensitivity(String layer, long weights, long macs, double[] sparsities, double[] errors) {

    public static LayerSensitivity measure(String layer, float[] w, int out, int in, double[] scores, SparsityPattern pattern,
            boolean perRow, InputGram gram, long macs, double[] candidates) {
        double[] h = gram.matrix();
        double total = quadratic(w, out, in, h, null);
        double[] errors = new double[candidates.length];
        for (int k = 0; k < candidates.length; k++) {
            boolean[] pruned = MaskSelector.select(scores, out, in, pattern, candidates[k], perRow).elements();
            errors[k] = total > 0 ? quadratic(w, out, in, h, pruned) / total : 0;
        }
        return new LayerSensitivity(layer, (long) out * in, macs, candidates.clone(), errors);
    }

    /** Σ_r v_rᵀ H v_r over rows, where v is w restricted to the pruned entries (all of w when {@code pruned} is null). */
    private static double quadratic(float[] w, int out, int in, double[] h, boolean[] pruned) {
        double sum = 0;
        double[] v = new double[in];
        for (int r = 0; r < out; r++) {
            int base = r * in;
            boolean any = false;
            for (int c = 0; c < in; c++) {
                boolean take = pruned == null || pruned[base + c];
                v[c] = take ? w[base + c] : 0;
                any |= take && v[c] != 0;
            }
            if (!any) {
                continue;
            }
            for (int i = 0; i < in; i++) {
                if (v[i] == 0) {
                    continue;
                }
                double s = 0;
                int hi = i * in;
                for (int j = 0; j < in; j++) {
                    s += h[hi + j] * v[j];
                }
                sum += v[i] * s;
            }
        }
        return sum;
    }
}
