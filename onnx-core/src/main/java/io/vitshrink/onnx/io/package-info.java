/**
 * Reading and writing ONNX files. {@link io.vitshrink.onnx.io.ModelIO} is the only class in vitshrink
 * that touches the protobuf classes ({@code ai.onnx.proto.OnnxMl}); everything else sees
 * {@link io.vitshrink.onnx.model.Model}. External data, atomic saves and the checks that turn a bad
 * file into one clear {@link io.vitshrink.onnx.UserException} live here.
 */
package io.vitshrink.onnx.io;
