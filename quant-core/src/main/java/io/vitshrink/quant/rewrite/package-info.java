/**
 * Rewrites that apply a list of {@link io.vitshrink.quant.plan.TensorQuantization}s to a model, as ONNX
 * Runtime runs it. The input model is never modified: every rewriter works on {@code model.copy()}.
 *
 * <ul>
 *   <li>{@link io.vitshrink.quant.rewrite.QdqRewriter}: the deployable export. Weights become low-bit
 *       integer initializers (int8/uint8, int4/uint4) read through a {@code DequantizeLinear};
 *       activations get a {@code QuantizeLinear → DequantizeLinear} pair on the edges to the listed
 *       consumers. ONNX Runtime's optimizer fuses these into integer kernels.</li>
 *   <li>{@link io.vitshrink.quant.rewrite.MatMulNBitsRewriter}: weight-only 2/4/8-bit weights of
 *       MatMul/Gemm as ONNX Runtime's {@code com.microsoft:MatMulNBits}.</li>
 *   <li>{@link io.vitshrink.quant.rewrite.SimulatedRewriter}: fake quantization for any bit width
 *       2–16 in plain float ops; what no runtime executes natively, measured by the same engine.</li>
 *   <li>{@link io.vitshrink.quant.rewrite.OpsetUpgrade}: raises a model's default opset (int4 and
 *       blocked quantization need opset 21), converting the operators whose signature changed.</li>
 * </ul>
 *
 * <p>Names of new values and nodes say what they serve, so that the graph reads well in Netron:
 * {@code <tensor>/quantized}, {@code <tensor>/scale}, {@code <tensor>/zero_point}, node
 * {@code <tensor>/QuantizeLinear}, per-consumer dequantization {@code <consumer>/quant_in<i>}. Every
 * rewritten model records its provenance in {@code metadata_props} ({@link RewriteMetadata}).
 */
package io.vitshrink.quant.rewrite;
