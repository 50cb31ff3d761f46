package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import java.util.List;
import java.util.Map;

/**
 * A per-tensor activation quantizer whose grid need not be uniform: the pure-Java reference of a
 * quantization function that {@link NonUniformRewriter} writes as plain ONNX ops. ONNX Runtime's output
 * of that form equals {@link #fakeQuantize} bit for bit.
 *
 * <p>Implementations are immutable. {@link #parameters()} is JSON-friendly (Integer, Float, String and
 * Boolean values only, floats as Float) and {@link #fromParameters} rebuilds an equal quantizer from it,
 * so that a plan can record a quantizer and replay it exactly.
 */
public interface NonUniformQuantizer {

    /** {@link UniformActivationQuantizer}: an unsigned/signed affine grid (the baseline). */
    String UNIFORM = "uniform";
    /** {@link Log2Quantizer}: FQ-ViT's power-of-two levels. */
    String LOG2 = "log2";
    /** {@link LogSqrt2Quantizer}: RepQ-ViT's base-√2 levels. */
    String LOG_SQRT2 = "log_sqrt2";
    /** {@link AdaLogQuantizer}: base 2^(τ/r) with a table dequantization (AdaLog, ECCV 2024). */
    String ADALOG = "adalog";
    /** {@link TwinUniformQuantizer}: two uniform grids (PTQ4ViT, ECCV 2022). */
    String TWIN_UNIFORM = "twin_uniform";

    /** Every kind, in the order the {@link AutoSelector} tries them. */
    List<String> KINDS = List.of(UNIFORM, LOG2, LOG_SQRT2, ADALOG, TWIN_UNIFORM);

    /** One of {@link #KINDS}. */
    String kind();

    /** Width of the integer code that a deployment would store per element. */
    int bits();

    /** Quantize then dequantize: what the consumer computes with. */
    float[] fakeQuantize(float[] x);

    /** Every value {@link #fakeQuantize} can return, ascending, without duplicates. */
    float[] levels();

    /**
     * The parameters, JSON-friendly, in a fixed order; always contains {@code "bits"}. Feeding them to
     * {@link #fromParameters} with {@link #kind()} gives an equal quantizer.
     */
    Map<String, Object> parameters();

    /**
     * Rebuilds a quantizer from {@link #kind()} and {@link #parameters()}. Numbers may arrive as any
     * {@link Number} (Jackson gives Integer, Double or BigDecimal); floats are read back to the exact
     * float they were written from.
     *
     * @throws UserException naming the bad or missing parameter
     */
    static NonUniformQuantizer fromParameters(String kind, Map<String, ?> parameters) {
        Params p = new Params(kind, parameters);
        NonUniformQuantizer q = switch (kind) {
            case UNIFORM -> UniformActivationQuantizer.fromParameters(p);
            case LOG2 -> Log2Quantizer.fromParameters(p);
            case LOG_SQRT2 -> LogSqrt2Quantizer.fromParameters(p);
            case ADALOG -> AdaLogQuantizer.fromParameters(p);
            case TWIN_UNIFORM -> TwinUniformQuantizer.fromParameters(p);
            default -> throw new UserException("unknown quantizer kind '" + kind + "'; use one of " + KINDS);
        };
        p.checkAllUsed();
        return q;
    }
}
