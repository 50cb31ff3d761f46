package io.vitshrink.quant.nonuniform;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Twin uniform quantization, PTQ4ViT (Yuan et al., "PTQ4ViT: Post-Training Quantization for Vision
 * Transformers with Twin Uniform Quantization", ECCV 2022): two uniform grids of {@code n = 2^(b-1)} levels
 * each (one bit says which), with steps {@code Δ1} and {@code Δ2 = 2^m·Δ1} so that a deployment aligns
 * them with a shift. Each grid is {@code Ψ(x; Δ, lo, hi) = clamp(rint(x/Δ), lo, hi)·Δ} in float32, like
 * ONNX {@code QuantizeLinear} with zero point 0.
 *
 * <ul>
 *   <li>{@link Mode#SOFTMAX} (post-Softmax, values in [0, 1]): region R1 = [0, n·Δ1) uses the fine step
 *       {@code Δ1} (levels {@code 0 … n-1}); everything from the split {@code t = n·Δ1} up uses the
 *       coarse step {@code Δ2} (levels {@code 0 … n-1}, so {@code Δ2 = 1/n} reaches {@code (n-1)/n}).
 *       {@code x̂ = x < t ? Ψ(x; Δ1, 0, n-1) : Ψ(x; Δ2, 0, n-1)}. Power-of-two steps make the split a
 *       power of two, {@code t ∈ {2^-i}}.</li>
 *   <li>{@link Mode#SIGNED} (post-GELU): negative values use {@code Δ1} (levels {@code -n … 0}; PTQ4ViT
 *       fixes {@code Δ1} so that {@code -n·Δ1} is the GELU minimum), the rest use {@code Δ2} (levels
 *       {@code 0 … n-1}): {@code x̂ = x < 0 ? Ψ(x; Δ1, -n, 0) : Ψ(x; Δ2, 0, n-1)}.</li>
 * </ul>
 */
public final class TwinUniformQuantizer implements NonUniformQuantizer {

    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 16;

    /** Which value range the two grids split. */
    public enum Mode {
        /** [0, t) fine, [t, ∞) coarse, both unsigned. */
        SOFTMAX,
        /** (-∞, 0) with step Δ1, [0, ∞) with step Δ2. */
        SIGNED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.key().equals(s)) {
                    return m;
                }
            }
            throw Params.bad(TWIN_UNIFORM, "mode must be 'softmax' or 'signed', not '" + s + "'");
        }
    }

    private final int bits;
    private final Mode mode;
    private final float delta1;
    private final int m;
    private final float delta2;

    /**
     * @param delta1 the step of region R1 (fine for softmax, the negative side for signed)
     * @param m {@code Δ2 = 2^m·Δ1}; Δ2 must be a normal float so that the relation is exact
     */
    public TwinUniformQuantizer(int bits, Mode mode, float delta1, int m) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw Params.bad(TWIN_UNIFORM, "bits must be between " + MIN_BITS + " and " + MAX_BITS + ", not " + bits);
        }
        if (!(delta1 > 0) || !Float.isFinite(delta1)) {
            throw Params.bad(TWIN_UNIFORM, "delta1 must be positive and finite, not " + delta1);
        }
        if (Math.abs(m) > 64) {
            throw Params.bad(TWIN_UNIFORM, "m must be between -64 and 64, not " + m);
        }
        float d2 = Math.scalb(delta1, m);
        if (!Float.isFinite(d2) || d2 < Float.MIN_NORMAL || delta1 < Float.MIN_NORMAL || Math.scalb(d2, -m) != delta1) {
            throw Params.bad(TWIN_UNIFORM, "delta2 = 2^" + m + "·" + delta1 + " is not a normal float");
        }
        if (mode == Mode.SOFTMAX && !Float.isFinite(Math.scalb(delta1, bits - 1))) {
            throw Params.bad(TWIN_UNIFORM, "the split " + (1 << (bits - 1)) + "·delta1 overflows");
        }
        this.bits = bits;
        this.mode = mode;
        this.delta1 = delta1;
        this.m = m;
        this.delta2 = d2;
    }

    @Override
    public String kind() {
        return TWIN_UNIFORM;
    }

    @Override
    public int bits() {
        return bits;
    }

    public Mode mode() {
        return mode;
    }

    public float delta1() {
        return delta1;
    }

    public float delta2() {
        return delta2;
    }

    public int m() {
        return m;
    }

    /** Levels per region, {@code n = 2^(bits-1)}. */
    public int perRegion() {
        return 1 << (bits - 1);
    }

    /** Inputs below the split use R1: {@code n·Δ1} for softmax, 0 for signed. */
    public float split() {
        return mode == Mode.SOFTMAX ? Math.scalb(delta1, bits - 1) : 0f;
    }

    /** Integer bounds {@code {lo, hi}} of region 1 (index 0) or 2 (index 1). */
    int[] bounds(int region) {
        int n = perRegion();
        if (region == 0 && mode == Mode.SIGNED) {
            return new int[] {-n, 0};
        }
        return new int[] {0, n - 1};
    }

    /** Whether {@code x} falls in region R1. */
    public boolean inFirstRegion(float x) {
        return x < split();
    }

    /** The signed integer level of {@code x} in its region. */
    public int level(float x) {
        boolean first = inFirstRegion(x);
        return grid(x, first ? delta1 : delta2, bounds(first ? 0 : 1));
    }

    private static int grid(float x, float delta, int[] b) {
        float v = (float) Math.rint(x / delta);
        return (int) Math.max(b[0], Math.min(b[1], v));
    }

    @Override
    public float[] fakeQuantize(float[] x) {
        float t = split();
        int[] b1 = bounds(0);
        int[] b2 = bounds(1);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] < t ? grid(x[i], delta1, b1) * delta1 : grid(x[i], delta2, b2) * delta2;
        }
        return y;
    }

    /**
     * Every output: all of R1's levels, and R2's levels from the one the split rounds to upwards (for
     * softmax, inputs at or above the split never reach R2's small levels).
     */
    @Override
    public float[] levels() {
        TreeSet<Float> set = new TreeSet<>();
        int[] b1 = bounds(0);
        for (int q = b1[0]; q <= b1[1]; q++) {
            set.add(q * delta1 + 0f);
        }
        int[] b2 = bounds(1);
        int from = mode == Mode.SOFTMAX ? grid(split(), delta2, b2) : b2[0];
        for (int q = from; q <= b2[1]; q++) {
            set.add(q * delta2 + 0f);
        }
        float[] out = new float[set.size()];
        int i = 0;
        for (float v : set) {
            out[i++] = v;
        }
        return out;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bits", bits);
        p.put("mode", mode.key());
        p.put("delta1", delta1);
        p.put("m", m);
        p.put("delta2", delta2);
        return p;
    }

    static TwinUniformQuantizer fromParameters(Params p) {
        TwinUniformQuantizer q = new TwinUniformQuantizer(p.integer("bits"), Mode.parse(p.text("mode")), p.real("delta1"),
                p.integer("m"));
        if (p.has("delta2") && p.real("delta2") != q.delta2) {
            throw Params.bad(TWIN_UNIFORM, "delta2 must be 2^m·delta1 = " + q.delta2);
        }
        p.ignore("delta2");
        return q;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TwinUniformQuantizer q && q.parameters().equals(parameters());
    }

    @Override
    public int hashCode() {
        return parameters().hashCode();
    }

    @Override
    public String toString() {
        return kind() + parameters();
    }
}
