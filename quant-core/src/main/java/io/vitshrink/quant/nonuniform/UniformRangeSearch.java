package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * How the uniform per-tensor activation quantizers that no non-uniform search already handles get
 * their range: {@code none} keeps the observer's (e.g. percentile) range; {@code fpcs} searches scale ×
 * zero point on the consuming product's error ({@link FpcsSearch}).
 */
public enum UniformRangeSearch {
    NONE, FPCS;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UniformRangeSearch parse(String s) {
        for (UniformRangeSearch u : values()) {
            if (u.key().equals(s.toLowerCase(Locale.ROOT))) {
                return u;
            }
        }
        throw new UserException("unknown uniform search '" + s + "': use none or fpcs");
    }
}
