/**
 * The ONNX layer of vitshrink: model I/O ({@code io}), the editable graph ({@code model},
 * {@code graph}), value shapes ({@code shape}), ViT structure recognition ({@code vit}), the cost
 * model ({@code cost}), the ONNX Runtime runner ({@code runtime}) and the tiny-ViT test kit
 * ({@code testkit}). Depends only on protobuf and ONNX Runtime.
 */
package io.vitshrink.onnx;
