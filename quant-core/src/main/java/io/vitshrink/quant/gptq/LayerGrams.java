package io.vitshrink.quant.gptq;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.GramPass;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.calibration.CalibrationInputs;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One ONNX Runtime pass over the calibration images that accumulates XᵀX of Linear inputs, for GPTQ:
 * the model run is the one whose weights are quantized (after the reparameterization), with its
 * outputs replaced by the batch Gram matrices ({@link GramPass}, formed by ORT's GEMM), so only
 * d × d floats per input leave the session.
 */
public final class LayerGrams {
    private final RunnerOptions options;

    public LayerGrams(RunnerOptions options) {
        this.options = options;
    }

    /** Gram matrices plus the images and wall time of the pass. */
    public record Collected(Map<String, InputGram> grams, int images, double seconds) {
    }

    /** @param inputs input value name → its feature count (last axis) */
    public Collected collect(Model model, Map<String, Integer> inputs, CalibrationInputs images, IntConsumer progress) {
        long t0 = System.nanoTime();
        int done = 0;
        Map<String, InputGram> grams;
        try (GramPass gp = GramPass.open(model, inputs, options); CalibrationInputs.Pass pass = images.open()) {
            while (pass.hasNext()) {
                CalibrationInputs.Batch b = pass.next();
                gp.add(b.pixels(), b.shape());
                done += b.size();
                progress.accept(done);
            }
            grams = gp.grams();
        }
        if (done == 0) {
            throw new UserException("the calibration set gave no images (all skipped or empty)");
        }
        return new Collected(grams, done, (System.nanoTime() - t0) / 1e9);
    }
}
