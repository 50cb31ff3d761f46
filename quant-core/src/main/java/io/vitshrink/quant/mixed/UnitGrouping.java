package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/** How quantized tensors are grouped into units that share a bit width. */
public enum UnitGrouping {
    /** Every weight and every activation on its own. */
    TENSOR,
    /** Per transformer block: its weights share a width, its activations another; tensors outside blocks stay alone. */
    BLOCK;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UnitGrouping parse(String s) {
        for (UnitGrouping g : values()) {
            if (g.key().equals(s.toLowerCase(Locale.ROOT))) {
                return g;
            }
        }
        throw new UserException("unknown grouping '" + s + "': use tensor or block");
    }
}
