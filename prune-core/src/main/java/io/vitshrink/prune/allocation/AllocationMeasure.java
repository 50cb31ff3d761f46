package io.vitshrink.prune.allocation;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/** What a sparsity allocation weighs each layer's candidate sparsities by. */
public enum AllocationMeasure {
    /** The layer's own relative output error without reconstruction ({@link LayerSensitivity#measure}); fast. */
    LAYER,
    /** The whole network's KL divergence with the layer pruned and reconstructed alone ({@link NetworkSensitivity}). */
    NETWORK;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AllocationMeasure parse(String text) {
        for (AllocationMeasure m : values()) {
            if (m.key().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new UserException("--allocate takes layer or network, not '" + text + "'");
    }
}
