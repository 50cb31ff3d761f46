package io.vitshrink.workbench.search;

import io.vitshrink.quant.calibration.CalibrationInputs;

/**
 * Preprocessed images kept in memory with their labels (-1 when unknown).
 *
 * @param batch pixels and shape
 * @param labels one per image
 */
public record LabeledBatch(CalibrationInputs.Batch batch, int[] labels) {
}
