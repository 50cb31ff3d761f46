package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * Which quantizer a power-law activation (post-Softmax, post-GELU) gets: a fixed kind, searched on
 * calibration samples, or {@code auto} (every kind tried, the lowest consumer-product error kept).
 * {@code uniform} keeps the scheme's uniform quantizer and its observer.
 */
public enum QuantizerChoice {
    UNIFORM("uniform"), LOG2("log2"), LOG_SQRT2("logsqrt2"), ADALOG("adalog"), TWIN("twin"), AUTO("auto");

    /** Rows of the consumer product a search looks at (a seeded subsample keeps searches to seconds). */
    static final int SEARCH_ROWS = 1024;

    private final String key;

    QuantizerChoice(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static QuantizerChoice parse(String s) {
        String k = s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (QuantizerChoice c : values()) {
            if (c.key.equals(k) || (c == TWIN && k.equals("twinuniform")) || (c == LOG_SQRT2 && k.equals("logsqrt2"))) {
                return c;
            }
        }
        throw new UserException("unknown quantizer '" + s + "': use uniform, log2, logsqrt2, adalog, twin or auto");
    }

    /** The searched quantizer for a consumer product; never called for {@link #UNIFORM}. */
    public NonUniformQuantizer choose(ConsumerProduct product, int bits) {
        ConsumerProduct p = product.rows() > SEARCH_ROWS ? product.subsample(SEARCH_ROWS, 0) : product;
        return switch (this) {
            case LOG2 -> LogSearch.log2(p, bits);
            case LOG_SQRT2 -> LogSearch.logSqrt2(p, bits);
            case ADALOG -> AdaLogSearch.search(p, bits);
            case TWIN -> TwinUniformSearch.search(p, bits);
            case AUTO -> AutoSelector.select(p, bits, NonUniformQuantizer.KINDS, SEARCH_ROWS).chosen();
            case UNIFORM -> throw new IllegalStateException("uniform is not searched here");
        };
    }
}
