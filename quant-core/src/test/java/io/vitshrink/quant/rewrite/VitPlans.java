package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans for the tiny ViTs, made the simple way: every Linear weight from the recognized structure,
 * with parameters from its own min/max, and every input of a product (Linears, Q·Kᵀ, attn·V) with
 * parameters from the min/max of one calibration batch read through {@link ExposedOutputs}.
 */
final class VitPlans {
    static final long CALIBRATION_SEED = 11;
    static final int CALIBRATION_IMAGES = 8;

    private VitPlans() {
    }

    /** Every Linear of the structure (a fused qkv once). */
    static List<Linear> linears(VitStructure s) {
        Set<Linear> all = new LinkedHashSet<>();
        for (TransformerBlock b : s.blocks()) {
            Attention a = b.attention();
            all.add(a.q());
            all.add(a.k());
            all.add(a.v());
            all.add(a.proj());
            all.add(b.mlp().fc1());
            all.add(b.mlp().fc2());
        }
        all.addAll(s.downsamples());
        if (s.head() != null && s.head().head() != null) {
            all.add(s.head().head());
        }
        return new ArrayList<>(all);
    }

    /** Activation → the product nodes reading it (Linear inputs, both operands of Q·Kᵀ and attn·V). */
    static Map<String, List<String>> productInputs(VitStructure s) {
        Map<String, List<String>> uses = new LinkedHashMap<>();
        for (Linear l : linears(s)) {
            add(uses, l.input(), l.name());
        }
        for (TransformerBlock b : s.blocks()) {
            Attention a = b.attention();
            add(uses, a.scores().input(0), a.scores().name());
            add(uses, a.scores().input(1), a.scores().name());
            add(uses, a.context().input(0), a.context().name());
            add(uses, a.context().input(1), a.context().name());
        }
        return uses;
    }

    private static void add(Map<String, List<String>> uses, String tensor, String node) {
        List<String> list = uses.computeIfAbsent(tensor, k -> new ArrayList<>());
        if (!list.contains(node)) {
            list.add(node);
        }
    }

    /** Per-channel weights of {@code weightSpec} and per-tensor activations of {@code activationSpec} (null: weights only). */
    static List<TensorQuantization> plan(Model model, TinyVitConfig config, UniformSpec weightSpec,
            UniformSpec activationSpec) {
        VitStructure s = AnalyzedModel.of(model, config.imageSize()).structure();
        List<TensorQuantization> plan = new ArrayList<>();
        for (Linear l : linears(s)) {
            Tensor w = model.graph().constant(l.weight()).orElseThrow();
            int axis = l.weightOutInLayout() ? 0 : 1;
            plan.add(new TensorQuantization(l.weight(), TensorRole.WEIGHT, List.of(l.name()),
                    Fixtures.params(w.toFloats(), w.dims(), weightSpec, axis)));
        }
        if (activationSpec == null) {
            return plan;
        }
        Map<String, List<String>> uses = productInputs(s);
        Map<String, float[]> ranges = ranges(model, config, uses.keySet());
        for (Map.Entry<String, List<String>> e : uses.entrySet()) {
            float[] r = ranges.get(e.getKey());
            UniformParams p = UniformParams.fromRanges(activationSpec, new float[] {r[0]}, new float[] {r[1]}, 0);
            plan.add(new TensorQuantization(e.getKey(), TensorRole.ACTIVATION, e.getValue(), p));
        }
        return plan;
    }

    /** W8A8: int8 symmetric per-channel weights, uint8 affine per-tensor activations. */
    static List<TensorQuantization> w8a8(Model model, TinyVitConfig config) {
        return plan(model, config, UniformSpec.weights(8, Granularity.PER_CHANNEL, 0), UniformSpec.activations(8));
    }

    /** min and max of each value over the calibration batch. */
    static Map<String, float[]> ranges(Model model, TinyVitConfig config, Set<String> values) {
        Model exposed = ExposedOutputs.expose(model, values);
        float[] pixels = SyntheticImages.batch(config, CALIBRATION_SEED, CALIBRATION_IMAGES);
        long[] shape = {CALIBRATION_IMAGES, config.channels(), config.imageSize(), config.imageSize()};
        Map<String, float[]> ranges = new LinkedHashMap<>();
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            Map<String, Tensor> out = r.run(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT, shape, pixels)),
                    values);
            for (Map.Entry<String, Tensor> e : out.entrySet()) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : e.getValue().toFloats()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                ranges.put(e.getKey(), new float[] {lo, hi});
            }
        }
        return ranges;
    }

    /** Logits of {@code count} synthetic images (seed {@code seed}) at batch size {@code batch}. */
    static float[] logits(Model model, TinyVitConfig config, long seed, int count, int batch, RunnerOptions options) {
        float[] pixels = SyntheticImages.batch(config, seed, count);
        int per = config.channels() * config.imageSize() * config.imageSize();
        float[] out = new float[count * config.numClasses()];
        try (Runner r = Runner.open(model, options)) {
            for (int start = 0; start < count; start += batch) {
                int b = Math.min(batch, count - start);
                float[] chunk = java.util.Arrays.copyOfRange(pixels, start * per, (start + b) * per);
                float[] l = r.runBatch(chunk, new long[] {b, config.channels(), config.imageSize(), config.imageSize()})
                        .toFloats();
                System.arraycopy(l, 0, out, start * config.numClasses(), l.length);
            }
        }
        return out;
    }
}
