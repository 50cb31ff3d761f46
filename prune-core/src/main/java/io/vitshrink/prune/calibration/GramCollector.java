package io.vitshrink.prune.calibration;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.GramPass;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One ONNX Runtime pass over the calibration images that accumulates the {@link InputGram} of every
 * requested Linear input, the product formed inside the run ({@link GramPass}). Memory is d² per
 * input, whatever the number of images.
 */
public final class GramCollector {
    private final RunnerOptions options;
    private final IntConsumer imagesDone;

    /** @param imagesDone told the number of images done after each batch (progress), may be a no-op */
    public GramCollector(RunnerOptions options, IntConsumer imagesDone) {
        this.options = options;
        this.imagesDone = imagesDone;
    }

    /**
     * @param inputs value name → its feature count (the last axis); every row of the value is one token
     * @return value name → Gram matrix, in the order given
     */
    public Map<String, InputGram> collect(Model model, Map<String, Integer> inputs, CalibrationImages images) {
        int done = 0;
        Map<String, InputGram> grams;
        try (GramPass gp = GramPass.open(model, inputs, options); CalibrationImages.Pass pass = images.open()) {
            while (pass.hasNext()) {
                CalibrationImages.Batch b = pass.next();
                gp.add(b.pixels(), b.shape());
                done += b.size();
                imagesDone.accept(done);
            }
            grams = gp.grams();
        }
        if (done == 0) {
            throw new UserException("no calibration image could be read");
        }
        return grams;
    }
}
