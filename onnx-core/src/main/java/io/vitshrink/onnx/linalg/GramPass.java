package io.vitshrink.onnx.linalg;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session that accumulates the {@link InputGram} of every requested layer input, batch
 * by batch: the model copy of {@link GramOutputs} forms XᵀX inside the run, and only d×d matrices leave
 * it. Whoever owns the images (quant-core's or prune-core's calibration sources) feeds the batches.
 */
public final class GramPass implements AutoCloseable {
    private final Runner runner;
    private final String input;
    private final Map<String, String> gramOutputs = new LinkedHashMap<>();
    private final List<String> fetch;
    private final Map<String, InputGram> grams = new LinkedHashMap<>();

    private GramPass(Model model, Map<String, Integer> inputs, RunnerOptions options) {
        inputs.forEach((name, dim) -> grams.put(name, new InputGram(dim)));
        Model withGrams = GramOutputs.withGramOutputs(model, inputs, gramOutputs);
        fetch = new ArrayList<>(gramOutputs.values());
        runner = Runner.open(withGrams, options);
        input = runner.inputNames().get(0);
    }

    /** @param inputs layer input value name → its feature count (the last axis); every row is one token */
    public static GramPass open(Model model, Map<String, Integer> inputs, RunnerOptions options) {
        return new GramPass(model, inputs, options);
    }

    /**
     * Runs one batch of images and adds its products.
     *
     * @throws UserException when an activation has NaN or Inf values
     */
    public void add(float[] pixels, long[] shape) {
        Map<String, Runner.FloatOutput> out = runner.runFloats(Map.of(input, Tensor.ofFloats(input, shape, pixels)), fetch);
        gramOutputs.forEach((value, gram) -> {
            float[] xtx = out.get(gram).data();
            for (float v : xtx) {
                if (!Float.isFinite(v)) {
                    throw new UserException("the activation '" + value + "' has NaN or Inf values on the calibration images");
                }
            }
            grams.get(value).addProduct(xtx);
        });
    }

    /** Value name → Gram matrix so far, in the order requested. */
    public Map<String, InputGram> grams() {
        return grams;
    }

    @Override
    public void close() {
        runner.close();
    }
}
