/**
 * Running models in ONNX Runtime: {@link io.vitshrink.onnx.runtime.Runner} wraps one session with
 * explicit threads, optimization level and determinism, feeds {@link io.vitshrink.onnx.model.Tensor}s
 * and reads any intermediate value by exposing it as a graph output
 * ({@link io.vitshrink.onnx.runtime.ExposedOutputs}). Native resources are closed in
 * try-with-resources scopes, also on errors.
 */
package io.vitshrink.onnx.runtime;
