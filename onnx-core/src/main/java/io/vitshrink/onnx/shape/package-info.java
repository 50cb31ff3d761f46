/**
 * Shapes of every value in a graph. {@link io.vitshrink.onnx.shape.ShapeProbe} measures them with
 * one ONNX Runtime run at batch 1 and one at batch 2 (exposing intermediate values as outputs), so
 * that dynamic-batch models and layouts like {@code [B·H, N, d]} are handled without re-implementing
 * shape inference for every op an exporter might emit.
 */
package io.vitshrink.onnx.shape;
