package io.vitshrink.quant.gptq;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * How a weight's values are mapped onto its grid: {@code rtn} rounds each to the nearest level;
 * {@code gptq} quantizes the input columns one by one and pushes each column's rounding error onto
 * the columns not yet quantized, weighted by the layer input's inverse Gram matrix ({@link Gptq}).
 */
public enum WeightMethod {
    RTN, GPTQ;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WeightMethod parse(String s) {
        for (WeightMethod m : values()) {
            if (m.key().equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UserException("unknown weight method '" + s + "': use rtn or gptq");
    }
}
