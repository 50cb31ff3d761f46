package io.vitshrink.quant.plan;

import io.vitshrink.quant.quantizers.UniformParams;
import java.util.List;

/**
 * One quantized tensor of a plan.
 *
 * @param tensor the value name in the model (a weight initializer or an activation)
 * @param role weight or activation
 * @param consumers the nodes whose reads of the tensor go through the quantizer (an activation may also
 *     feed nodes that keep reading it in float, e.g. a residual Add)
 * @param params the calibrated quantizer; for weights the channel axis is the output-channel axis of
 *     the weight as stored (1 for a MatMul weight {@code [in, out]}, 0 for Gemm with transB and Conv)
 */
public record TensorQuantization(String tensor, TensorRole role, List<String> consumers, UniformParams params) {

    public TensorQuantization {
        consumers = List.copyOf(consumers);
    }

    public int bits() {
        return params.spec().bits();
    }
}
