package io.vitshrink.quant.nonuniform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The adaptive-base logarithmic quantizer of AdaLog (Wu et al., "AdaLog: Post-Training Quantization for
 * Vision Transformers with Adaptive Logarithm Quantizer", ECCV 2024).
 *
 * <ul>
 *   <li>Base {@code 2^(τ/r)}: {@code r} is fixed (37 in the paper) and the integer {@code τ} is searched
 *       ({@link AdaLogSearch}); {@code τ = r} is log2, {@code τ = r/2} would be log√2.</li>
 *   <li>Code {@code q = clamp(round(-log2(u)·r/τ), 0, 2^b - 1)} with {@code u = (x + shift)/scale}, rounded
 *       exactly, half to even (ties occur when {@code (2q+1)·τ/(2r)} is an integer, e.g. τ = 74, r = 37);
 *       inputs that round to {@code 2^b} or more, and {@code u ≤ 0}, take the zero code.</li>
 *   <li>Hardware-friendly dequantization through a table: with {@code i·τ = r·h + j}
 *       ({@code 0 ≤ j < r}), {@code level_q = 2^-h · F[j]} where
 *       {@code F[j] = round(2^(-j/r)·D) / D}, {@code D = 2^(b+1) - 2}: a shift and a small fixed-point
 *       fraction. {@code x̂ = scale·level_q - shift}; the zero code gives {@code -shift}.</li>
 *   <li>Bias reparameterization: post-GELU values are shifted by the GELU minimum
 *       ({@link #GELU_SHIFT} ≈ 0.17) so that the input is non-negative; the simulated form subtracts the
 *       shift again (a deployment folds it into the consumer's bias).</li>
 * </ul>
 */
public final class AdaLogQuantizer extends LogQuantizer {

    /** The paper's fixed {@code r}. */
    public static final int DEFAULT_R = 37;
    /** {@code -min GELU(x)} = 0.16997…, the shift that makes post-GELU inputs non-negative. */
    public static final float GELU_SHIFT = 0.16997124254703522f;
    public static final int MAX_R = 256;

    private final int tau;
    private final int r;

    public AdaLogQuantizer(int bits, int tau, int r, float scale, float shift) {
        super(ADALOG, bits, check(tau, r), r, scale, shift, unitLevels(bits, tau, r));
        this.tau = tau;
        this.r = r;
    }

    /** Post-Softmax: scale 1, no shift. */
    public static AdaLogQuantizer softmax(int bits, int tau) {
        return new AdaLogQuantizer(bits, tau, DEFAULT_R, 1f, 0f);
    }

    private static int check(int tau, int r) {
        if (r < 1 || r > MAX_R) {
            throw Params.bad(ADALOG, "r must be between 1 and " + MAX_R + ", not " + r);
        }
        if (tau < 1 || tau > 16 * r) {
            throw Params.bad(ADALOG, "tau must be between 1 and 16·r = " + 16 * r + ", not " + tau);
        }
        return tau;
    }

    /** {@code F[j] = round(2^(-j/r)·D)/D}, {@code D = 2^(bits+1) - 2}. */
    public static float[] fractionTable(int bits, int r) {
        int d = (1 << (bits + 1)) - 2;
        float[] f = new float[r];
        for (int j = 0; j < r; j++) {
            f[j] = (float) Math.rint(StrictMath.pow(2.0, -(double) j / r) * d) / d;
        }
        return f;
    }

    private static float[] unitLevels(int bits, int tau, int r) {
        int b = Math.max(0, Math.min(bits, MAX_BITS));
        float[] f = fractionTable(b, Math.max(1, Math.min(r, MAX_R)));
        float[] l = new float[1 << b];
        for (int i = 0; i < l.length; i++) {
            long t = (long) i * tau;
            int rr = Math.max(1, r);
            l[i] = Math.scalb(f[(int) (t % rr)], (int) -Math.min(t / rr, 300));
        }
        return l;
    }

    public int tau() {
        return tau;
    }

    public int r() {
        return r;
    }

    @Override
    public String kind() {
        return ADALOG;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", bits());
        m.put("tau", tau);
        m.put("r", r);
        return put(m, this);
    }

    static AdaLogQuantizer fromParameters(Params p) {
        return new AdaLogQuantizer(p.integer("bits"), p.integer("tau"), p.integer("r"), p.real("scale"), p.real("shift"));
    }
}
