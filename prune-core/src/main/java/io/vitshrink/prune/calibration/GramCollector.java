package io.vitshrink.prune.calibration;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One ONNX Runtime pass over the calibration images with every requested Linear input exposed as a
 * graph output, accumulating each input's {@link InputGram}. Memory is d² doubles per input, not
 * proportional to the images.
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
        List<String> names = new ArrayList<>(inputs.keySet());
        Model exposed = ExposedOutputs.expose(model, names);
        int done = 0;
        try (Runner runner = Runner.open(exposed, options); CalibrationImages.Pass pass = images.open()) {
            String input = runner.inputNames().get(0);
            while (pass.hasNext()) {
                CalibrationImages.Batch b = pass.next();
                Map<String, Runner.FloatOutput> out = runner.runFloats(
                        Map.of(input, Tensor.ofFloats(input, b.shape(), b.pixels())), names);
                for (String name : names) {
                    Runner.FloatOutput v = out.get(name);
                    int dim = inputs.get(name);
                    long[] s = v.shape();
                    if (s.length == 0 || s[s.length - 1] != dim) {
                        throw new UserException("value '" + name + "' has shape " + java.util.Arrays.toString(s)
                                + ", expected " + dim + " features on the last axis");
                    }
                    grams.get(name).add(v.data(), v.data().length / dim);
                }
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
