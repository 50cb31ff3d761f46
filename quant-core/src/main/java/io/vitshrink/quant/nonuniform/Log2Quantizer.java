package io.vitshrink.quant.nonuniform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Power-of-two levels for post-Softmax values, FQ-ViT's Log-Int-Softmax quantizer (Lin et al., IJCAI
 * 2022): {@code q = clamp(round(-log2(x / scale)), 0, 2^b - 1)}, {@code x̂ = scale·2^-q}, and inputs
 * whose {@code round(-log2)} reaches {@code 2^b} (below {@code scale·2^-(2^b - ½)}) give 0, as do
 * {@code x ≤ 0}. With {@code scale = 1} the levels are {@code {0, 2^-(2^b-1), …, 2^-1, 1}}. Rounding is
 * exact, half to even (see {@link LogQuantizer} and {@link LogThresholds}); ties cannot occur for this
 * base. A deployment stores {@code q} and dequantizes by a shift.
 */
public final class Log2Quantizer extends LogQuantizer {

    public Log2Quantizer(int bits, float scale, float shift) {
        super(LOG2, bits, 1, 1, scale, shift, unitLevels(bits));
    }

    /** For values in [0, 1] (post-Softmax): scale 1, no shift. */
    public static Log2Quantizer unit(int bits) {
        return new Log2Quantizer(bits, 1f, 0f);
    }

    private static float[] unitLevels(int bits) {
        float[] l = new float[1 << Math.max(0, Math.min(bits, MAX_BITS))];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.scalb(1f, -i); // 0 below 2^-149
        }
        return l;
    }

    @Override
    public String kind() {
        return LOG2;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", bits());
        return put(m, this);
    }

    static Log2Quantizer fromParameters(Params p) {
        return new Log2Quantizer(p.integer("bits"), p.real("scale"), p.real("shift"));
    }
}
