package io.vitshrink.prune.calibration;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One ONNX Runtime pass over the calibration images that accumulates the {@link InputGram} of every
 * requested Linear input. The product is computed inside the run: a copy of the model gets, per
 * input value v, {@code Reshape(v, [-1, d]) → Transpose → MatMul} as an extra graph output, so ORT's
 * GEMM forms XᵀX of the batch and only a d×d matrix leaves the session (the Java loop of
 * {@link InputGram#add} is the reference the tests compare it with). Memory is d² per input,
 * whatever the number of images.
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
        Model withGrams = withGramOutputs(model, inputs, gramOutputs);
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

    /** A copy of the model with, for each input value, its batch XᵀX as an extra output (named in {@code names}). */
    static Model withGramOutputs(Model model, Map<String, Integer> inputs, Map<String, String> names) {
        Model copy = model.copy();
        Graph g = copy.graph();
        // only the Gram products are fetched: the rest of the graph (e.g. blocks after the last
        // requested input) is dropped so that ORT does not compute it
        g.clearOutputs();
        for (Map.Entry<String, Integer> e : inputs.entrySet()) {
            String v = e.getKey();
            if (!g.valueNames().contains(v)) {
                throw new UserException("the model has no value named '" + v + "'");
            }
            String shape = g.uniqueName(v + "/gram_shape");
            g.putInitializer(Tensor.ofLongs(shape, new long[] {2}, new long[] {-1, e.getValue()}));
            String rows = g.uniqueName(v + "/gram_rows");
            g.addNode(new Node(rows, "Reshape", List.of(v, shape), List.of(rows)));
            String t = g.uniqueName(v + "/gram_transpose");
            g.addNode(new Node(t, "Transpose", List.of(rows), List.of(t), Attribute.ofInts("perm", 1, 0)));
            String gram = g.uniqueName(v + "/gram");
            g.addNode(new Node(gram, "MatMul", List.of(t, rows), List.of(gram)));
            g.addOutput(ValueInfo.untyped(gram));
            names.put(v, gram);
        }
        g.removeDeadNodes();
        return copy;
    }
}
