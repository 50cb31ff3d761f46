package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads a quantizer's parameter map, naming the quantizer kind and the field in every error. */
final class Params {
    private final String kind;
    private final Map<String, ?> values;
    private final Set<String> used = new HashSet<>();

    Params(String kind, Map<String, ?> values) {
        this.kind = kind;
        this.values = values == null ? Map.of() : values;
    }

    private Object get(String key) {
        used.add(key);
        Object v = values.get(key);
        if (v == null) {
            throw new UserException(kind + " quantizer: parameter '" + key + "' is missing");
        }
        return v;
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    int integer(String key) {
        Object v = get(key);
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1 << 30) {
                return (int) d;
            }
        }
        throw new UserException(kind + " quantizer: parameter '" + key + "' must be an integer, not " + v);
    }

    /** A float, read back exactly: a Double or decimal is parsed from its shortest text, not rounded twice. */
    float real(String key) {
        Object v = get(key);
        float f;
        if (v instanceof Float x) {
            f = x;
        } else if (v instanceof BigDecimal b) {
            f = Float.parseFloat(b.toString());
        } else if (v instanceof Number n) {
            f = Float.parseFloat(n.toString());
        } else {
            throw new UserException(kind + " quantizer: parameter '" + key + "' must be a number, not " + v);
        }
        if (!Float.isFinite(f)) {
            throw new UserException(kind + " quantizer: parameter '" + key + "' must be finite, not " + v);
        }
        return f;
    }

    String text(String key) {
        return String.valueOf(get(key));
    }

    boolean flag(String key) {
        Object v = get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new UserException(kind + " quantizer: parameter '" + key + "' must be true or false, not " + v);
    }

    /** Marks an informational key (derived from the others) as read. */
    void ignore(String key) {
        used.add(key);
    }

    void checkAllUsed() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new UserException(kind + " quantizer: unknown parameter(s) " + unknown);
        }
    }

    static UserException bad(String kind, String message) {
        return new UserException(kind + " quantizer: " + message);
    }
}
