package io.vitshrink.quant.plan;

import io.vitshrink.quant.nonuniform.NonUniformQuantizer;
import io.vitshrink.quant.quantizers.UniformParams;
import java.util.List;

/**
 * One quantized tensor of a plan: either a uniform quantizer ({@code params}, exportable as QDQ) or,
 * for activations, a non-uniform one ({@code nonUniform}: log2, log√2, AdaLog, twin-uniform — simulated
 * export only). Exactly one of the two is set.
 *
 * @param tensor the value name in the model (a weight initializer or an activation)
 * @param role weight or activation
 * @param consumers the nodes whose reads of the tensor go through the quantizer (an activation may also
 *     feed nodes that keep reading it in float, e.g. a residual Add); empty means every reader
 * @param params the calibrated uniform quantizer, or null; for weights the channel axis is the
 *     output-channel axis of the weight as stored (1 for a MatMul weight {@code [in, out]}, 0 for Gemm
 *     with transB and Conv)
 * @param nonUniform the calibrated non-uniform quantizer, or null
 */
public record TensorQuantization(String tensor, TensorRole role, List<String> consumers, UniformParams params,
        NonUniformQuantizer nonUniform) {

    public TensorQuantization {
        consumers = List.copyOf(consumers);
        if ((params == null) == (nonUniform == null)) {
            throw new IllegalArgumentException("tensor '" + tensor + "' needs exactly one quantizer, uniform or not");
        }
        if (nonUniform != null && role != TensorRole.ACTIVATION) {
            throw new IllegalArgumentException("non-uniform quantizers are for activations; '" + tensor + "' is a weight");
        }
    }

    /** A uniform quantizer. */
    public TensorQuantization(String tensor, TensorRole role, List<String> consumers, UniformParams params) {
        this(tensor, role, consumers, params, null);
    }

    /** A non-uniform activation quantizer. */
    public static TensorQuantization nonUniform(String tensor, List<String> consumers, NonUniformQuantizer q) {
        return new TensorQuantization(tensor, TensorRole.ACTIVATION, consumers, null, q);
    }

    public boolean isUniform() {
        return params != null;
    }

    /** {@code uniform}, or the non-uniform kind ({@code adalog}, …). */
    public String kind() {
        return params != null ? "uniform" : nonUniform.kind();
    }

    public int bits() {
        return params != null ? params.spec().bits() : nonUniform.bits();
    }
}
