package io.vitshrink.prune;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * What is removed: weight blocks ({@code block}: 1×1 … 32×32 blocks at a chosen sparsity), an N:M
 * pattern ({@code nm}), or whole structures that physically shrink the model ({@code heads},
 * {@code channels}, or both: {@code structured}).
 */
public enum PruneMethod {
    BLOCK, NM, HEADS, CHANNELS, STRUCTURED;

    public boolean isStructured() {
        return this == HEADS || this == CHANNELS || this == STRUCTURED;
    }

    public boolean removesHeads() {
        return this == HEADS || this == STRUCTURED;
    }

    public boolean removesChannels() {
        return this == CHANNELS || this == STRUCTURED;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PruneMethod parse(String text) {
        for (PruneMethod m : values()) {
            if (m.key().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UserException("--method '" + text + "' is not known: use block, nm, heads, channels or structured");
    }
}
