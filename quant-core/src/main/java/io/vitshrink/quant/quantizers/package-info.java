/**
 * Quantizers: pure-Java references of every quantization function vitshrink exports to ONNX. Each
 * has an ONNX form (in {@code rewrite}) and a test that ONNX Runtime's output of that form equals the
 * reference.
 */
package io.vitshrink.quant.quantizers;
