package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.UserException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Upper limits on the {@link Measures} of a plan: average weight bits, average activation bits, model
 * bytes, BOPs — any combination. Written {@code avg_bits=5} (weights and activations), {@code w_bits=4.5},
 * {@code a_bits=6}, {@code bytes=2.5M}, {@code bops=40G}, comma-separated to combine.
 */
public record Budget(Map<Kind, Double> limits) {

    /** A budget measure. */
    public enum Kind {
        W_BITS("w_bits"), A_BITS("a_bits"), BYTES("bytes"), BOPS("bops");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public Budget {
        if (limits.isEmpty()) {
            throw new UserException("the budget sets no limit: use avg_bits=B, w_bits=B, a_bits=B, bytes=N or bops=N");
        }
        limits = java.util.Collections.unmodifiableMap(new EnumMap<>(limits));
    }

    public static Budget parse(String text) {
        Map<Kind, Double> limits = new EnumMap<>(Kind.class);
        for (String part : text.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new UserException("--budget '" + text + "': write KIND=VALUE, e.g. avg_bits=5, bytes=2.5M or bops=40G");
            }
            String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            double v = number(text, p.substring(eq + 1).trim());
            switch (key) {
                case "avg_bits" -> {
                    limits.put(Kind.W_BITS, v);
                    limits.put(Kind.A_BITS, v);
                }
                case "w_bits" -> limits.put(Kind.W_BITS, v);
                case "a_bits" -> limits.put(Kind.A_BITS, v);
                case "bytes" -> limits.put(Kind.BYTES, v);
                case "bops" -> limits.put(Kind.BOPS, v);
                default -> throw new UserException("--budget '" + text + "': unknown measure '" + key
                        + "'; use avg_bits, w_bits, a_bits, bytes or bops");
            }
        }
        return new Budget(limits);
    }

    private static double number(String text, String v) {
        double scale = 1;
        if (!v.isEmpty()) {
            char last = Character.toUpperCase(v.charAt(v.length() - 1));
            int power = "KMGT".indexOf(last);
            if (power >= 0) {
                scale = Math.pow(1000, power + 1);
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            double d = Double.parseDouble(v) * scale;
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UserException("--budget '" + text + "': '" + v + "' is not a positive number");
        }
    }

    public boolean has(Kind k) {
        return limits.containsKey(k);
    }

    public double limit(Kind k) {
        return limits.get(k);
    }

    /** Whether every limit holds (with a relative tolerance of 1e-9 for rounding). */
    public boolean allows(Measures m) {
        for (Map.Entry<Kind, Double> e : limits.entrySet()) {
            if (m.of(e.getKey()) > e.getValue() * (1 + 1e-9)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The one number that orders plans by size for this budget ("the smallest plan"): BOPs when they are
     * limited, else bytes, else the mean of the limited average widths.
     */
    public double size(Measures m) {
        if (has(Kind.BOPS)) {
            return m.bops();
        }
        if (has(Kind.BYTES)) {
            return m.sizeBytes();
        }
        double sum = 0;
        int n = 0;
        for (Kind k : limits.keySet()) {
            sum += m.of(k);
            n++;
        }
        return sum / n;
    }

    /** The same kinds with each limit at {@code low + f·(high - low)}: budgets along the frontier. */
    public Budget between(Measures low, Measures high, double f) {
        Map<Kind, Double> m = new EnumMap<>(Kind.class);
        limits.keySet().forEach(k -> m.put(k, low.of(k) + f * (high.of(k) - low.of(k))));
        return new Budget(m);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        limits.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k.key()).append('=')
                .append(k == Kind.BYTES || k == Kind.BOPS ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v)));
        return sb.toString();
    }
}
