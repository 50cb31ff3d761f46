package io.vitshrink.prune.allocation;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.metrics.ClassificationMetrics;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.calibration.CalibrationImages;
import io.vitshrink.prune.weights.LinearWeights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much the whole network suffers when one layer is pruned: for every Linear and candidate
 * sparsity, the layer alone is pruned (and reconstructed, as the caller's {@link LayerPruner} does)
 * inside the otherwise dense model, and the mean KL divergence of the model's predictions from the
 * dense model's is measured on a few probe images. Unlike the layer's own relative output error
 * ({@link LayerSensitivity#measure}), this sees what the error does downstream: a layer whose
 * output barely reaches the class token (the last MLPs of a DeiT) costs little even when its own
 * error is large, and an early layer's error is counted with the amplification of every block after
 * it. The curves feed the same allocation as the layer errors, summed over layers (the additive
 * model of OBC/SPDY-style allocation).
 *
 * <p>One ONNX Runtime session serves every measurement: the Linear weights become graph inputs, fed
 * dense except for the layer being measured.
 */
public final class NetworkSensitivity {

    /** Probe images the network sensitivity is measured on (the first of the calibration images). */
    public static final int PROBE_IMAGES = 32;

    /** Prunes one layer: the {@code [out, in]} weights {@code w} at {@code sparsity}, as the run will. */
    @FunctionalInterface
    public interface LayerPruner {
        float[] prune(Linear layer, float[] w, double sparsity);
    }

    /** Told after each measurement (progress of a run that takes minutes on a real model). */
    @FunctionalInterface
    public interface Progress {
        void measured(int done, int total);
    }

    private NetworkSensitivity() {
    }

    /**
     * @param model the dense model (not modified)
     * @param linears the layers to measure
     * @param macs MACs per image of each layer (dense), by layer name
     * @param candidates candidate sparsities, ascending
     * @param probe the images to measure on; the first {@link #PROBE_IMAGES} are used
     */
    public static List<LayerSensitivity> measure(Model model, List<Linear> linears, Map<String, Long> macs,
            double[] candidates, LayerPruner pruner, CalibrationImages probe, RunnerOptions options, Progress progress) {
        List<CalibrationImages.Batch> images = firstImages(probe, PROBE_IMAGES);
        Graph dense = model.graph();
        String imageInput = dense.feedInputs().get(0).name();
        String logits = dense.outputs().get(0).name();
        Map<String, Tensor> denseWeights = new LinkedHashMap<>();
        for (Linear l : linears) {
            denseWeights.put(l.weight(), dense.initializer(l.weight()).orElseThrow(() -> new UserException(
                    "the weight of Linear '" + l.name() + "' is not an initializer; vitshrink prunes initializer weights only")));
        }
        List<LayerSensitivity> curves = new ArrayList<>();
        try (Runner runner = Runner.open(withWeightInputs(model, denseWeights.values()), options)) {
            List<float[]> reference = new ArrayList<>();
            for (CalibrationImages.Batch b : images) {
                reference.add(run(runner, imageInput, logits, b, denseWeights));
            }
            int total = linears.size() * candidates.length;
            int done = 0;
            for (Linear l : linears) {
                int out = (int) l.outFeatures();
                int in = (int) l.inFeatures();
                float[] w = LinearWeights.read(dense, l);
                double[] kl = new double[candidates.length];
                for (int k = 0; k < candidates.length; k++) {
                    float[] pruned = pruner.prune(l, w, candidates[k]);
                    Map<String, Tensor> feeds = new LinkedHashMap<>(denseWeights);
                    feeds.put(l.weight(), stored(dense, l, pruned, out, in));
                    ClassificationMetrics m = new ClassificationMetrics();
                    for (int i = 0; i < images.size(); i++) {
                        float[] y = run(runner, imageInput, logits, images.get(i), feeds);
                        m.add(y, y.length / images.get(i).size(), null, reference.get(i));
                    }
                    kl[k] = m.meanKl();
                    progress.measured(++done, total);
                }
                curves.add(new LayerSensitivity(l.name(), (long) out * in, macs.get(l.name()), candidates.clone(), kl));
            }
        }
        return curves;
    }

    /** The model with the given initializers turned into graph inputs (fed on every run). */
    static Model withWeightInputs(Model model, Iterable<Tensor> weights) {
        Model probe = model.copy();
        Graph g = probe.graph();
        for (Tensor t : weights) {
            g.removeInitializer(t.name());
            List<Dim> shape = new ArrayList<>();
            for (long d : t.dims()) {
                shape.add(Dim.of(d));
            }
            g.addInput(new ValueInfo(t.name(), DataType.FLOAT, shape));
        }
        return probe;
    }

    /** The weight as the model stores it ({@code [out, in]} or {@code [in, out]}). */
    private static Tensor stored(Graph g, Linear l, float[] w, int out, int in) {
        boolean outIn = LinearWeights.storedOutIn(g, l);
        return outIn ? Tensor.ofFloats(l.weight(), new long[] {out, in}, w)
                : Tensor.ofFloats(l.weight(), new long[] {in, out}, LinearWeights.transpose(w, out, in));
    }

    private static float[] run(Runner runner, String imageInput, String logits, CalibrationImages.Batch b,
            Map<String, Tensor> weights) {
        Map<String, Tensor> feeds = new LinkedHashMap<>(weights);
        feeds.put(imageInput, Tensor.ofFloats(imageInput, b.shape(), b.pixels()));
        return runner.runFloats(feeds, List.of(logits)).get(logits).data(); // a fresh array per call (no reused buffers)
    }

    /** The first {@code n} images of one pass, in batches as they come (the last one cut to size). */
    private static List<CalibrationImages.Batch> firstImages(CalibrationImages source, int n) {
        List<CalibrationImages.Batch> out = new ArrayList<>();
        int have = 0;
        try (CalibrationImages.Pass pass = source.open()) {
            while (have < n && pass.hasNext()) {
                CalibrationImages.Batch b = pass.next();
                int take = Math.min(b.size(), n - have);
                if (take < b.size()) {
                    int per = b.pixels().length / b.size();
                    long[] shape = b.shape().clone();
                    shape[0] = take;
                    b = new CalibrationImages.Batch(java.util.Arrays.copyOf(b.pixels(), take * per), shape);
                }
                out.add(b);
                have += take;
            }
        }
        if (out.isEmpty()) {
            throw new UserException("the calibration set gave no images to measure layer sensitivity on");
        }
        return out;
    }
}
