package io.vitshrink.prune.reconstruct;

import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;

/**
 * Reconstruction toward the dense model's outputs ("asymmetric" calibration, as in GPTAQ): with
 * sequential calibration a layer of block k sees inputs X̃ that the pruning of blocks 0…k−1 already
 * moved away from the dense model's X. Refitting to the layer's own output on X̃ (‖X̃w − X̃w₀‖²)
 * keeps that drift; refitting to the dense output (‖X̃w − Xw₀‖²) lets every layer cancel part of
 * the error accumulated before it.
 *
 * <p>The masked problem min ‖X̃w − Xw₀‖² (w_P = 0) is the ordinary one on X̃ with w₀ replaced by
 * the unconstrained refit w* = argmin ‖X̃w − Xw₀‖², because ‖X̃w − Xw₀‖² = ‖X̃(w − w*)‖² + const
 * when H̃w* = X̃ᵀX w₀. So this class only computes w* (one Cholesky factor of H̃ per layer), and
 * every score, mask and reconstruction then runs unchanged on (w*, H̃). With damping δ
 * (λ·mean diag H̃, toward w₀) the identity holds up to a δ-sized term.
 *
 * <p>A weight a &lt; 1 aims at a blend of the two outputs, ((1 − a)X̃ + aX)w₀: the full correction
 * is the regression of the dense activations on the drifted ones, which shrinks every layer's output
 * toward its mean where the drift is not predictable from X̃, and on DeiT-Tiny at 50% sparsity that
 * shrinkage compounds over the blocks (docs/PRUNING.md).
 */
public final class DenseTarget {

    private DenseTarget() {
    }

    /**
     * Replaces each row w₀ of {@code w} ({@code out × in}, row-major) by
     * w* = w₀ + a·(H̃ + δI)⁻¹ (C − H̃) w₀, which minimizes ‖X̃w − ((1 − a)X̃ + aX)w₀‖² + δ‖w − w₀‖².
     *
     * @param hTilde undamped X̃ᵀX̃ of the inputs the layer sees ({@code in × in})
     * @param cross X̃ᵀX, rows indexed by X̃'s features, columns by the dense input's ({@code in × in})
     * @param lambda relative damping (see {@link Damping})
     * @param weight a in (0, 1]: the dense output's share of the target
     */
    public static void refit(float[] w, int out, int in, double[] hTilde, double[] cross, double lambda, double weight) {
        Cholesky chol = Cholesky.factor(Damping.apply(hTilde, in, lambda), in);
        double[] diff = new double[in * in];
        for (int k = 0; k < diff.length; k++) {
            diff[k] = weight * (cross[k] - hTilde[k]);
        }
        double[] rhs = new double[in];
        for (int r = 0; r < out; r++) {
            int base = r * in;
            for (int i = 0; i < in; i++) {
                double s = 0;
                int ri = i * in;
                for (int c = 0; c < in; c++) {
                    s += diff[ri + c] * w[base + c];
                }
                rhs[i] = s;
            }
            chol.solveInPlace(rhs);
            for (int i = 0; i < in; i++) {
                w[base + i] = (float) (w[base + i] + rhs[i]);
            }
        }
    }
}
