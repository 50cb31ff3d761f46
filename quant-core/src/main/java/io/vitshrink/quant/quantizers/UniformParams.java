package io.vitshrink.quant.quantizers;

import java.util.Arrays;

/**
 * A calibrated uniform quantizer: {@code q = clamp(rint(x / scale) + zeroPoint, qmin, qmax)},
 * {@code x̂ = (q - zeroPoint) · scale}, with one (scale, zero point) per tensor, per channel or per
 * group. Scales are float32 and the division is float32, exactly as ONNX {@code QuantizeLinear}
 * computes it; {@code rint} rounds half to even like ONNX {@code Round}.
 *
 * @param spec the quantizer kind
 * @param scale one per tensor, per channel ({@code channels}), or per group ({@code channels × groups})
 * @param zeroPoint same length as {@code scale}
 * @param axis the channel axis of the tensor (ignored per tensor)
 */
public record UniformParams(UniformSpec spec, float[] scale, int[] zeroPoint, int axis) {

    public UniformParams {
        if (scale.length != zeroPoint.length || scale.length == 0) {
            throw new IllegalArgumentException("need as many zero points as scales, and at least one");
        }
        for (float s : scale) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("scales must be positive and finite, got " + s);
            }
        }
        for (int z : zeroPoint) {
            if (z < spec.qmin() || z > spec.qmax()) {
                throw new IllegalArgumentException("zero point " + z + " outside [" + spec.qmin() + ", " + spec.qmax() + "]");
            }
        }
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public int[] zeroPoint() {
        return zeroPoint.clone();
    }

    public int count() {
        return scale.length;
    }

    /** Smallest float scale ORT and our reference accept (a range of width 0 still gets a grid). */
    public static final float MIN_SCALE = 1e-8f;

    /**
     * Parameters that map [min, max] (widened to include 0, as ONNX requires 0 to be exact) onto the
     * integer grid, one entry per range.
     */
    public static UniformParams fromRanges(UniformSpec spec, float[] min, float[] max, int axis) {
        int n = min.length;
        float[] scale = new float[n];
        int[] zp = new int[n];
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        for (int i = 0; i < n; i++) {
            float lo = Math.min(min[i], 0f);
            float hi = Math.max(max[i], 0f);
            if (spec.symmetric()) {
                float absMax = Math.max(Math.abs(lo), Math.abs(hi));
                // symmetric grids use the positive half only: [-(2^(b-1)-1), 2^(b-1)-1] · scale for signed
                float levels = spec.signed() ? qmax : (qmax - qmin) / 2f;
                scale[i] = Math.max(absMax / levels, MIN_SCALE);
                zp[i] = spec.signed() ? 0 : (qmax + 1) / 2;
            } else {
                scale[i] = Math.max((hi - lo) / (qmax - qmin), MIN_SCALE);
                int z = Math.round(qmin - lo / scale[i]);
                zp[i] = Math.max(qmin, Math.min(qmax, z));
            }
        }
        return new UniformParams(spec, scale, zp, axis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UniformParams p && p.spec.equals(spec) && Arrays.equals(p.scale, scale)
                && Arrays.equals(p.zeroPoint, zeroPoint) && p.axis == axis;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * spec.hashCode() + Arrays.hashCode(scale)) + Arrays.hashCode(zeroPoint) + axis;
    }

    @Override
    public String toString() {
        return "UniformParams[" + spec + ", " + scale.length + " scale(s), axis " + axis + "]";
    }
}
