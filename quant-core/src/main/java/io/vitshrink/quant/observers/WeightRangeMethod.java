package io.vitshrink.quant.observers;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/** How {@link WeightRanges} picks a weight's range. */
public enum WeightRangeMethod {
    /** The full range of each slice: nothing is clipped. */
    MINMAX,
    /** The clipping ratio of each slice that minimises the exact squared error. */
    MSE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WeightRangeMethod parse(String s) {
        for (WeightRangeMethod m : values()) {
            if (m.key().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UserException("unknown weight range method '" + s + "': use minmax or mse");
    }
}
