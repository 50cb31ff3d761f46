package io.vitshrink.quant.gptq;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.GramOutputs;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.calibration.CalibrationInputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One ONNX Runtime pass over the calibration images that accumulates XᵀX of Linear inputs, for GPTQ:
 * the model run is the one whose weights are quantized (after the reparameterization), with its
 * outputs replaced by the batch Gram matrices ({@link GramOutputs}, formed by ORT's GEMM), so only
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
        Map<String, InputGram> grams = new LinkedHashMap<>();
        inputs.forEach((name, dim) -> grams.put(name, new InputGram(dim)));
        Map<String, String> gramOutputs = new LinkedHashMap<>();
        Model withGrams = GramOutputs.withGramOutputs(model, inputs, gramOutputs);
        List<String> outputs = new ArrayList<>(gramOutputs.values());
        int done = 0;
        try (Runner runner = Runner.open(withGrams, options); CalibrationInputs.Pass pass = images.open()) {
            String input = runner.inputNames().get(0);
            while (pass.hasNext()) {
                CalibrationInputs.Batch b = pass.next();
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
                progress.accept(done);
            }
        }
        if (done == 0) {
            throw new UserException("the calibration set gave no images (all skipped or empty)");
        }
        return new Collected(grams, done, (System.nanoTime() - t0) / 1e9);
    }
}
