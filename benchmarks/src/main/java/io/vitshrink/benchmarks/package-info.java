/**
 * JMH micro-benchmarks of the Java kernels on the workbench's hot paths: quantize/dequantize of a
 * weight tensor per quantizer kind and granularity, observer updates on one calibration batch, and the
 * weight range search. Shapes are DeiT-Tiny's (width 192, MLP 768, 197 tokens, 3 heads). Run with
 * {@code java -jar benchmarks/target/benchmarks.jar} (see docs/PERFORMANCE.md).
 */
package io.vitshrink.benchmarks;
