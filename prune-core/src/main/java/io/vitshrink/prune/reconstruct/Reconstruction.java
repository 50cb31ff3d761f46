package io.vitshrink.prune.reconstruct;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * How the remaining weights of a pruned layer are updated to keep its output on the calibration
 * activations: not at all, by the exact masked least-squares solution ({@link MaskedLeastSquares}),
 * or by SparseGPT's column-by-column OBS updates ({@link SparseGptReconstructor}, faster, approximate
 * unless the pruned columns come first).
 */
public enum Reconstruction {
    NONE, EXACT, SPARSEGPT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Reconstruction parse(String text) {
        for (Reconstruction r : values()) {
            if (r.key().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new UserException("--reconstruct-method '" + text + "' is not known: use exact or sparsegpt");
    }
}
