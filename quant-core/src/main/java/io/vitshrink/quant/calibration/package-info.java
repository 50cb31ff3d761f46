/**
 * Calibration: running the calibration set through ONNX Runtime once, with every needed activation
 * exposed as an output, and streaming each batch's values into the observers.
 */
package io.vitshrink.quant.calibration;
