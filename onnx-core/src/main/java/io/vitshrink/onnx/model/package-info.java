/**
 * An ONNX model as plain, editable Java objects: {@link io.vitshrink.onnx.model.Model},
 * {@link io.vitshrink.onnx.model.Graph}, {@link io.vitshrink.onnx.model.Node},
 * {@link io.vitshrink.onnx.model.Tensor}. Nothing here knows about protobuf; {@code io.ModelIO}
 * converts, so the protobuf library can be swapped without touching the rest.
 */
package io.vitshrink.onnx.model;
