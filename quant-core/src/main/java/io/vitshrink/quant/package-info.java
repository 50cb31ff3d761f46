/**
 * Quantization (next issue): observers that stream statistics over a calibration set, quantizers (uniform, log2, AdaLog, twin-uniform) with pure-Java references, range searches, mixed-precision allocation, and the rewrites to QDQ or simulated-quantization ONNX.
 */
package io.vitshrink.quant;
