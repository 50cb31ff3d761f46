/**
 * Non-uniform activation quantizers for the power-law activations of Vision Transformers (post-Softmax
 * attention, post-GELU MLP values), where a uniform 4-bit grid collapses.
 *
 * <ul>
 *   <li>{@link io.vitshrink.quant.nonuniform.NonUniformQuantizer}: the common interface (pure-Java
 *       reference, JSON-friendly parameters, a factory that replays them); implementations
 *       {@link io.vitshrink.quant.nonuniform.Log2Quantizer} (FQ-ViT),
 *       {@link io.vitshrink.quant.nonuniform.LogSqrt2Quantizer} (RepQ-ViT),
 *       {@link io.vitshrink.quant.nonuniform.AdaLogQuantizer} (AdaLog),
 *       {@link io.vitshrink.quant.nonuniform.TwinUniformQuantizer} (PTQ4ViT) and the uniform baseline
 *       {@link io.vitshrink.quant.nonuniform.UniformActivationQuantizer}.</li>
 *   <li>{@link io.vitshrink.quant.nonuniform.NonUniformRewriter}: the simulated ONNX form (plain ops; the log
 *       quantizers decide codes by exact thresholds, so ONNX Runtime equals the reference bit for bit).</li>
 *   <li>Searches on the error of the consuming matrix product
 *       ({@link io.vitshrink.quant.nonuniform.ConsumerProduct}): {@code LogSearch}, {@code AdaLogSearch},
 *       {@code TwinUniformSearch}, {@code UniformSearch}, and {@link io.vitshrink.quant.nonuniform.AutoSelector},
 *       which tries them all and keeps the best.</li>
 * </ul>
 */
package io.vitshrink.quant.nonuniform;
