/**
 * Small dense linear algebra shared by the calibration-driven methods of quant-core and prune-core:
 * the Gram matrix XᵀX of a layer input ({@link io.vitshrink.onnx.linalg.InputGram}), the graph
 * rewrite that lets ONNX Runtime form it ({@link io.vitshrink.onnx.linalg.GramOutputs}), damping and
 * the Cholesky factorization used by OBS-style pruning and GPTQ-style weight quantization.
 */
package io.vitshrink.onnx.linalg;
