package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.LayerNorm;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny ViTs, statistics and comparisons shared by the reparameterization tests. */
final class ReparamFixtures {
    static final int IMAGE = 32;
    static final int CALIBRATION_IMAGES = 8;

    private ReparamFixtures() {
    }

    static TinyVitConfig config(ExportStyle style, int opset) {
        return TinyVitBuilder.deitLike().style(style).opset(opset).depth(2).width(32).heads(2).seed(3).config();
    }

    static VitStructure structure(Model m) {
        return AnalyzedModel.of(m, IMAGE).structure();
    }

    static List<String> normOutputs(VitStructure s) {
        List<String> names = new ArrayList<>();
        for (TransformerBlock b : s.blocks()) {
            names.add(b.norm1().output());
            names.add(b.norm2().output());
        }
        return names;
    }

    /** Per-channel ranges of the named activations over the calibration images (seed 11). */
    static Map<String, ChannelRange> stats(Model m, TinyVitConfig c, List<String> values) {
        Model exposed = ExposedOutputs.expose(m, values);
        float[] batch = SyntheticImages.batch(c, 11, CALIBRATION_IMAGES);
        Map<String, ChannelRange> out = new LinkedHashMap<>();
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            Map<String, Tensor> res = r.run(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT,
                    new long[] {CALIBRATION_IMAGES, c.channels(), c.imageSize(), c.imageSize()}, batch)), values);
            res.forEach((k, v) -> out.put(k, ChannelRange.of(v)));
        }
        return out;
    }

    /** Logits of images 0..n-1 of set 5. */
    static float[] logits(Model m, TinyVitConfig c, int n) {
        float[] batch = SyntheticImages.batch(c, 5, n);
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            return r.runBatch(batch, new long[] {n, c.channels(), c.imageSize(), c.imageSize()}).toFloats();
        }
    }

    /** max |a - b| / max |a|. */
    static double relativeError(float[] expected, float[] actual) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            num = Math.max(num, Math.abs(expected[i] - actual[i]));
            den = Math.max(den, Math.abs(expected[i]));
        }
        return num / den;
    }

    /** max over channels / min over channels. */
    static double spread(float[] perChannel) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (float v : perChannel) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi / lo;
    }

    /**
     * Gives every block LayerNorm a few outlier channels (gamma × 12 on channel 3, × 0.2 on channel 9,
     * beta + 4 on channel 7, as trained ViTs have), so that equalization has something to do.
     */
    static Model withOutlierChannels(Model m) {
        Model out = m.copy();
        Graph g = out.graph();
        for (TransformerBlock b : structure(m).blocks()) {
            for (LayerNorm ln : List.of(b.norm1(), b.norm2())) {
                float[] gamma = g.initializer(ln.scale()).orElseThrow().toFloats();
                gamma[3] *= 12f;
                gamma[9] *= 0.2f;
                g.replaceInitializer(ln.scale(), Tensor.ofFloats(ln.scale(), new long[] {gamma.length}, gamma));
                float[] beta = g.initializer(ln.bias()).orElseThrow().toFloats();
                beta[7] += 4f;
                g.replaceInitializer(ln.bias(), Tensor.ofFloats(ln.bias(), new long[] {beta.length}, beta));
            }
        }
        return out;
    }

    static byte[] bytes(Model m) {
        return ModelIO.toBytes(m);
    }

    static Node node(Graph g, String name) {
        return g.node(name).orElseThrow(() -> new AssertionError("no node " + name));
    }
}
