/**
 * Calibration statistics for pruning: per-Linear input Gram matrices XᵀX streamed over the images in
 * one ONNX Runtime pass ({@link io.vitshrink.prune.calibration.GramCollector}), and the image sources.
 */
package io.vitshrink.prune.calibration;
