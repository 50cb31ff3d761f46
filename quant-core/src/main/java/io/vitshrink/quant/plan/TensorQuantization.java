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
 * @param levels for a weight whose values were chosen by GPTQ, its integer level per element (layout as
 *     stored); replaying the plan writes {@code (level - zero point)·scale} into the weight before the
 *     rewriter quantizes it, which gives back exactly these levels. Null: round to nearest.
 */
public record TensorQuantization(String tensor, TensorRole role, List<String> consumers, UniformParams params,
        NonUniformQuantizer nonUniform, int[] levels) {

    public TensorQuantization {
        consumers = List.copyOf(consumers);
        if ((params == null) == (nonUniform == null)) {
            throw new IllegalArgumentException("tensor '" + tensor + "' needs exactly one quantizer, uniform or not");
        }
        if (nonUniform != null && role != TensorRole.ACTIVATION) {
            throw new IllegalArgumentException("non-uniform quantizers are for activations; '" + tensor + "' is a weight");
        }
        if (levels != null) {
            if (role != TensorRole.WEIGHT || params == null) {
                throw new IllegalArgumentException("stored levels are for uniformly quantized weights; '" + tensor + "' is not one");
            }
            int qmin = params.spec().qmin();
            int qmax = params.spec().qmax();
            for (int q : levels) {
                if (q < qmin || q > qmax) {
                    throw new IllegalArgumentException("level " + q + " of '" + tensor + "' is outside [" + qmin + ", " + qmax + "]");
                }
            }
            levels = levels.clone();
        }
    }

    /** A uniform or non-uniform quantizer, rounding weights to nearest. */
    public TensorQuantization(String tensor, TensorRole role, List<String> consumers, UniformParams params,
            NonUniformQuantizer nonUniform) {
        this(tensor, role, consumers, params, nonUniform, null);
    }

    /** A weight with levels chosen by GPTQ. */
    public static TensorQuantization withLevels(String tensor, List<String> consumers, UniformParams params, int[] levels) {
        return new TensorQuantization(tensor, TensorRole.WEIGHT, consumers, params, null, levels);
    }

    @Override
    public int[] levels() {
        return levels == null ? null : levels.clone();
    }

    /** Whether replaying writes stored levels into the weight (GPTQ) rather than rounding it to nearest. */
    public boolean hasLevels() {
        return levels != null;
    }

    /** A uniform quantizer. */
    public TensorQuantization(String tensor, TensorRole role, List<String> consumers, UniformParams params) {
        this(tensor, role, consumers, params, null, null);
    }

    /** A non-uniform activation quantizer. */
    public static TensorQuantization nonUniform(String tensor, List<String> consumers, NonUniformQuantizer q) {
        return new TensorQuantization(tensor, TensorRole.ACTIVATION, consumers, null, q, null);
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
