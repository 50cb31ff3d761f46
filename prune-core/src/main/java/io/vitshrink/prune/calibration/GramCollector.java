package io.vitshrink.prune.calibration;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.GramOutputs;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One ONNX Runtime pass over the calibration images that accumulates the {@link InputGram} of every
 * requested Linear input, the product formed inside the run ({@link GramOutputs}). Memory is d² per
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
        Map<String, InputGram> grams = new LinkedHashMap<>();
        inputs.forEach((name, dim) -> grams.put(name, new InputGram(dim)));
        Map<String, String> gramOutputs = new LinkedHashMap<>();
        Model withGrams = GramOutputs.withGramOutputs(model, inputs, gramOutputs);
        List<String> outputs = new ArrayList<>(gramOutputs.values());
        int done = 0;
        try (Runner runner = Runner.open(withGrams, options); CalibrationImages.Pass pass = images.open()) {
            String input = runner.inputNames().get(0);
            while (pass.hasNext()) {
                CalibrationImages.Batch b = pass.next();
                Map<String, Runner.FloatOutput> out = runner.runFloats(
                        Map.of(input, Tensor.ofFloats(input, b.shape(), b.pixels())), outputs);
                gramOutputs.forEach((value, gram) -> {
                    float[] xtx = out.get(gram).data();
                    for (float v : xtx) {
                        if (!Float.isFinite(v)) {
                            throw new UserException("the activation '" + value + "' has NaN or Inf values on the calibration images");
                        }
                    }
                    grams.get(value).addProduct(xtx);
                });
                done += b.size();
                imagesDone.accept(done);
            }
        }
        if (done == 0) {
            throw new UserException("no calibration image could be read");
        }
        return grams;
    }
}
