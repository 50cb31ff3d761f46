package io.vitshrink.workbench.search;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.Batch;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.calibration.CalibrationInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * The held-out images of the calibration pool, decoded once (or read from the tensor cache) and kept in
 * memory: every sensitivity candidate and frontier plan runs on them.
 */
public final class HeldOut {

    private HeldOut() {
    }

    public static List<LabeledBatch> load(ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions options) {
        List<LabeledBatch> out = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.open(dataset, recipe, options)) {
            while (loader.hasNext()) {
                Batch b = loader.next();
                out.add(new LabeledBatch(new CalibrationInputs.Batch(b.pixels(), b.shape()), b.labels()));
            }
        }
        if (out.isEmpty()) {
            throw new UserException("none of the " + dataset.size() + " held-out images could be read");
        }
        return out;
    }

    /** The batches without labels. */
    public static List<CalibrationInputs.Batch> batches(List<LabeledBatch> held) {
        return held.stream().map(LabeledBatch::batch).toList();
    }
}
