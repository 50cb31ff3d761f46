package io.vitshrink.quant.quantizers;

import io.vitshrink.onnx.UserException;

/**
 * What a uniform quantizer should be, before calibration gives it a range.
 *
 * @param bits width of the integer grid (2–8 for weights, 2–16 for activations)
 * @param signed integer grid [-2^(b-1), 2^(b-1)-1] when true, [0, 2^b-1] when false
 * @param symmetric zero point fixed at 0 (signed) or 2^(b-1) (unsigned); otherwise affine
 * @param granularity per tensor, per channel or per group
 * @param groupSize group length along the input dimension for {@link Granularity#PER_GROUP}
 */
public record UniformSpec(int bits, boolean signed, boolean symmetric, Granularity granularity, int groupSize) {

    public UniformSpec {
        if (bits < 2 || bits > 16) {
            throw new UserException("bits must be between 2 and 16, not " + bits);
        }
        if (granularity == Granularity.PER_GROUP && groupSize < 2) {
            throw new UserException("per-group quantization needs a group size ≥ 2 (e.g. 32, 64, 128), not " + groupSize);
        }
    }

    /** Weights: signed, symmetric. */
    public static UniformSpec weights(int bits, Granularity granularity, int groupSize) {
        return new UniformSpec(bits, true, true, granularity, groupSize);
    }

    /** Activations: unsigned affine per tensor (the layout ORT's integer kernels prefer). */
    public static UniformSpec activations(int bits) {
        return new UniformSpec(bits, false, false, Granularity.PER_TENSOR, 0);
    }

    public int qmin() {
        return signed ? -(1 << (bits - 1)) : 0;
    }

    public int qmax() {
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }
}
