package io.vitshrink.prune.weights;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * How much a weight matters, so that the least important ones are removed.
 *
 * <ul>
 *   <li>{@code MAGNITUDE}: |w|.</li>
 *   <li>{@code WANDA}: |w_ij| · ‖X_j‖₂, the weight times the norm of its input feature over the
 *       calibration tokens (Sun et al., "A Simple and Effective Pruning Approach for LLMs", 2023).</li>
 *   <li>{@code HESSIAN}: the OBS saliency w_ij² / [(H + λI)⁻¹]_jj with H = XᵀX the layer Hessian
 *       of the squared output error (Hassibi &amp; Stork 1993; Frantar &amp; Alistarh, SparseGPT, 2023).
 *       With a diagonal H it reduces to w²·H_jj, the second-order Taylor term.</li>
 *   <li>{@code RIA}: (|w_ij| / Σ_k |w_ik| + |w_ij| / Σ_k |w_kj|) · ‖X_j‖₂^½, the weight relative to
 *       both its row and its column, times the square root of its input's norm (Zhang et al.,
 *       "Plug-and-Play: An Efficient Post-training Pruning Method for LLMs", ICLR 2024): the column
 *       term keeps some weight on every input channel, which Wanda's full activation factor can
 *       strip from quiet channels.</li>
 * </ul>
 */
public enum ImportanceScore {
    MAGNITUDE, WANDA, HESSIAN, RIA;

    /** Whether the score reads calibration statistics. */
    public boolean needsCalibration() {
        return this != MAGNITUDE;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ImportanceScore parse(String text) {
        for (ImportanceScore s : values()) {
            if (s.key().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new UserException("--score '" + text + "' is not known: use magnitude, wanda, hessian or ria");
    }
}
