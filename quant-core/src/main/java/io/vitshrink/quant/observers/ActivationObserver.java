package io.vitshrink.quant.observers;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Observes one activation over the calibration set and proposes a per-tensor clipping range for a
 * uniform quantizer. Implementations differ in how they choose the range (min/max, moving average,
 * percentile, KL divergence, MSE).
 */
public interface ActivationObserver extends TensorObserver {

    /**
     * The clipping range for {@code spec} (the spec matters for range searches: bit width, symmetric or
     * affine).
     *
     * @throws UserException if no value was observed
     */
    ClippingRange range(UniformSpec spec);

    /** Per-tensor parameters for {@code spec}: {@link #range} widened to include 0. */
    default UniformParams params(UniformSpec spec) {
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new UserException("activation '" + name() + "': activations are quantized per tensor, not "
                    + spec.granularity().key());
        }
        ClippingRange r = range(spec);
        return UniformParams.fromRanges(spec, new float[] {r.lo()}, new float[] {r.hi()}, 0);
    }
}
