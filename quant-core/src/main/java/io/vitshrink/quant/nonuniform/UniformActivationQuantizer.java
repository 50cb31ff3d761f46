package io.vitshrink.quant.nonuniform;

import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The uniform per-tensor grid as a {@link NonUniformQuantizer}, so that the {@link AutoSelector} can
 * weigh it against the others: exactly {@link UniformQuantizer#fakeQuantize} with one scale and zero
 * point ({@code q = clamp(rint(x/scale) + zp, qmin, qmax)}, {@code x̂ = (q - zp)·scale}).
 */
public final class UniformActivationQuantizer implements NonUniformQuantizer {

    private final UniformParams params;

    /** @param params per-tensor parameters (one scale) */
    public UniformActivationQuantizer(UniformParams params) {
        if (params.count() != 1) {
            throw Params.bad(UNIFORM, "a non-uniform plan entry holds one scale per tensor, not " + params.count());
        }
        this.params = params;
    }

    /** Unsigned affine parameters covering [min(lo, 0), max(hi, 0)] (see {@link UniformParams#fromRanges}). */
    public static UniformActivationQuantizer ofRange(int bits, float lo, float hi) {
        return new UniformActivationQuantizer(UniformParams.fromRanges(UniformSpec.activations(bits), new float[] {lo},
                new float[] {hi}, 0));
    }

    public UniformParams params() {
        return params;
    }

    public float scale() {
        return params.scale()[0];
    }

    public int zeroPoint() {
        return params.zeroPoint()[0];
    }

    @Override
    public String kind() {
        return UNIFORM;
    }

    @Override
    public int bits() {
        return params.spec().bits();
    }

    @Override
    public float[] fakeQuantize(float[] x) {
        return UniformQuantizer.fakeQuantize(x, new long[] {x.length}, params);
    }

    @Override
    public float[] levels() {
        UniformSpec s = params.spec();
        float[] out = new float[s.qmax() - s.qmin() + 1];
        float scale = scale();
        int zp = zeroPoint();
        for (int q = s.qmin(); q <= s.qmax(); q++) {
            out[q - s.qmin()] = (q - zp) * scale;
        }
        return out;
    }

    @Override
    public Map<String, Object> parameters() {
        UniformSpec s = params.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", s.bits());
        m.put("signed", s.signed());
        m.put("symmetric", s.symmetric());
        m.put("scale", scale());
        m.put("zero_point", zeroPoint());
        return m;
    }

    static UniformActivationQuantizer fromParameters(Params p) {
        UniformSpec spec = new UniformSpec(p.integer("bits"), p.flag("signed"), p.flag("symmetric"), Granularity.PER_TENSOR, 0);
        float scale = p.real("scale");
        int zp = p.integer("zero_point");
        try {
            return new UniformActivationQuantizer(new UniformParams(spec, new float[] {scale}, new int[] {zp}, 0));
        } catch (IllegalArgumentException e) {
            throw Params.bad(UNIFORM, e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UniformActivationQuantizer q && q.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode();
    }

    @Override
    public String toString() {
        return kind() + parameters();
    }
}
