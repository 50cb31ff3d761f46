package io.vitshrink.workbench.search;

import io.vitshrink.quant.calibration.CalibrationInputs;
import java.nio.file.Path;
import java.util.List;

/**
 * Preprocessed images kept in memory with their labels (-1 when unknown) and files.
 *
 * @param batch pixels and shape
 * @param labels one per image
 * @param files one per image: which images these are, to take a subset without decoding again
 */
public record LabeledBatch(CalibrationInputs.Batch batch, int[] labels, List<Path> files) {

    public LabeledBatch {
        files = List.copyOf(files);
        if (labels.length != batch.size() || files.size() != batch.size()) {
            throw new IllegalArgumentException(batch.size() + " images with " + labels.length + " labels and " + files.size()
                    + " files");
        }
    }
}
