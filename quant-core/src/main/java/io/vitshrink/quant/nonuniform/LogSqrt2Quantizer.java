package io.vitshrink.quant.nonuniform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base-√2 levels, RepQ-ViT's post-Softmax quantizer (Li et al., ICCV 2023):
 * {@code q = clamp(round(-2·log2(x / scale)), 0, 2^b - 1)}, dequantized the hardware-friendly way,
 * {@code x̂ = scale·2^(-⌈q/2⌉)·(q odd ? √2 : 1)} with √2 the float32 {@code 1.4142135}; inputs whose
 * {@code round(-2·log2)} reaches {@code 2^b}, and {@code x ≤ 0}, give 0. Twice the resolution of log2
 * over half the dynamic range. Rounding is exact, half to even; ties cannot occur for this base.
 */
public final class LogSqrt2Quantizer extends LogQuantizer {

    /** float32 √2, the constant a deployment multiplies odd levels by. */
    public static final float SQRT2 = (float) Math.sqrt(2);

    public LogSqrt2Quantizer(int bits, float scale, float shift) {
        super(LOG_SQRT2, bits, 1, 2, scale, shift, unitLevels(bits));
    }

    /** For values in [0, 1] (post-Softmax): scale 1, no shift. */
    public static LogSqrt2Quantizer unit(int bits) {
        return new LogSqrt2Quantizer(bits, 1f, 0f);
    }

    private static float[] unitLevels(int bits) {
        float[] l = new float[1 << Math.max(0, Math.min(bits, MAX_BITS))];
        for (int i = 0; i < l.length; i++) {
            int halfUp = (i + 1) / 2; // ⌈i/2⌉
            l[i] = Math.scalb(i % 2 == 1 ? SQRT2 : 1f, -halfUp);
        }
        return l;
    }

    @Override
    public String kind() {
        return LOG_SQRT2;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", bits());
        return put(m, this);
    }

    static LogSqrt2Quantizer fromParameters(Params p) {
        return new LogSqrt2Quantizer(p.integer("bits"), p.real("scale"), p.real("shift"));
    }
}
