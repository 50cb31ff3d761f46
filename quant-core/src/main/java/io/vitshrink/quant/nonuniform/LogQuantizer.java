package io.vitshrink.quant.nonuniform;

import java.util.Map;
import java.util.TreeSet;

/**
 * What the logarithmic quantizers share: an input transform, a code from exact thresholds, and a level
 * table that is the dequantization.
 *
 * <ol>
 *   <li>{@code u = (x + shift) / scale} in float32 (the addition is skipped when {@code shift == 0},
 *       the division when {@code scale == 1}; neither changes a code).</li>
 *   <li>{@code code = clamp(round(-log_base(u)), 0, L)} with {@code L = 2^bits}, rounded in exact real
 *       arithmetic half to even (see {@link LogThresholds}); {@code u ≤ 0} and NaN give {@code L}.
 *       Codes {@code 0 … L-1} are the {@code 2^bits} levels; {@code L} means "rounded past the last
 *       level", dequantized as zero.</li>
 *   <li>{@code x̂ = table[code]} with {@code table[i] = scale·level_i - shift} (float32 multiply, then
 *       subtract) and {@code table[L] = scale·0 - shift}. {@code level_i} is the kind's hardware-friendly
 *       dequantization of code {@code i}.</li>
 * </ol>
 *
 * The shift is AdaLog's bias reparameterization: a deployment folds {@code -shift} into the consumer's
 * bias and stores only the unsigned code.
 */
public abstract sealed class LogQuantizer implements NonUniformQuantizer
        permits Log2Quantizer, LogSqrt2Quantizer, AdaLogQuantizer {

    /** Log quantizers store 2–8-bit codes (2^bits levels plus the zero code). */
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 8;

    private final int bits;
    private final float scale;
    private final float shift;
    private final long baseNum;
    private final long baseDen;
    private final float[] bounds;
    private final float[] table;

    /**
     * @param baseNum numerator of {@code log2(base)}
     * @param baseDen denominator of {@code log2(base)}
     * @param unitLevels {@code level_0 … level_{L-1}} before scaling
     */
    LogQuantizer(String kind, int bits, long baseNum, long baseDen, float scale, float shift, float[] unitLevels) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw Params.bad(kind, "bits must be between " + MIN_BITS + " and " + MAX_BITS + ", not " + bits);
        }
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw Params.bad(kind, "scale must be positive and finite, not " + scale);
        }
        if (!Float.isFinite(shift)) {
            throw Params.bad(kind, "shift must be finite, not " + shift);
        }
        int levels = 1 << bits;
        if (unitLevels.length != levels) {
            throw new IllegalArgumentException("need " + levels + " levels, got " + unitLevels.length);
        }
        long g = LogThresholds.gcd(baseNum, baseDen);
        this.bits = bits;
        this.scale = scale;
        this.shift = shift;
        this.baseNum = baseNum / g;
        this.baseDen = baseDen / g;
        this.bounds = LogThresholds.of(levels, this.baseNum, this.baseDen);
        this.table = new float[levels + 1];
        for (int i = 0; i < levels; i++) {
            table[i] = dequantized(unitLevels[i]);
        }
        table[levels] = dequantized(0f);
    }

    private float dequantized(float unitLevel) {
        float v = scale * unitLevel;
        return shift == 0 ? v : v - shift;
    }

    @Override
    public int bits() {
        return bits;
    }

    public float scale() {
        return scale;
    }

    public float shift() {
        return shift;
    }

    /** {@code L = 2^bits}: the code of inputs that round past the last level. */
    public int zeroCode() {
        return 1 << bits;
    }

    /** {@code log2(base)} as the reduced fraction {@code {num, den}}. */
    public long[] log2Base() {
        return new long[] {baseNum, baseDen};
    }

    /** The input transform {@code u = (x + shift) / scale} in float32. */
    public float input(float x) {
        float u = shift == 0 ? x : x + shift;
        return scale == 1 ? u : u / scale;
    }

    /** The code of one input, {@code 0 … L}. */
    public int code(float x) {
        return codeOfInput(input(x));
    }

    /** The code of a transformed input {@code u}: the largest {@code j} with {@code u < B_j}. */
    int codeOfInput(float u) {
        int zero = zeroCode();
        if (!(u > 0)) {
            return zero;
        }
        // bounds[0] = +inf > u (u finite or +inf: +inf < +inf is false, code 0 handled by lo = 0)
        int lo = 0;
        int hi = zero;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (u < bounds[mid]) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    public int[] codes(float[] x) {
        int[] c = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = code(x[i]);
        }
        return c;
    }

    @Override
    public float[] fakeQuantize(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = table[code(x[i])];
        }
        return y;
    }

    /** The dequantized value of every code {@code 0 … L} (index {@code L}: the zero code). */
    public float[] table() {
        return table.clone();
    }

    /** {@code B_0 … B_{L+1}} (see {@link LogThresholds}). */
    float[] bounds() {
        return bounds.clone();
    }

    @Override
    public float[] levels() {
        TreeSet<Float> set = new TreeSet<>();
        for (float v : table) {
            set.add(v == 0 ? 0f : v); // -0.0 and +0.0 are one level
        }
        float[] out = new float[set.size()];
        int i = 0;
        for (float v : set) {
            out[i++] = v;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NonUniformQuantizer q && q.getClass() == getClass() && q.parameters().equals(parameters());
    }

    @Override
    public int hashCode() {
        return parameters().hashCode();
    }

    @Override
    public String toString() {
        return kind() + parameters();
    }

    /** Common parameter entries: bits, then the subclass's, then scale and shift. */
    static Map<String, Object> put(Map<String, Object> m, LogQuantizer q) {
        m.put("scale", q.scale);
        m.put("shift", q.shift);
        return m;
    }
}
