package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.PruneListener;
import io.vitshrink.prune.PruneMethod;
import io.vitshrink.prune.PrunePipeline;
import io.vitshrink.prune.PruneSettings;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.plan.LayerMask;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.LinearWeights;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.prune.weights.SparsityPattern;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the refinement tests share: the pipeline, settings, values on the calibration images, mask checks. */
final class RefineFixtures {
    static final PrunePipeline PIPELINE = new PrunePipeline(RunnerOptions.defaults(), PruneListener.NONE);
    static final PrunePipeline.Provenance PROVENANCE = new PrunePipeline.Provenance("tiny.onnx", "", "test",
            Map.of("calib", "synthetic"));

    private RefineFixtures() {
    }

    /** Unstructured 50% Wanda, exact block-by-block reconstruction, then {@code refine}. */
    static PruneSettings settings(RefineSettings refine) {
        return new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5, null,
                Reconstruction.EXACT, 0.01, false, TinyModels.IMAGE, true, false).withRefine(refine);
    }

    /** Every weight the plan prunes is zero in the pruned model. */
    static void assertPrunedWeightsAreZero(PrunePipeline.Result r) {
        Map<String, Linear> linears = new HashMap<>();
        PrunableLinears.of(AnalyzedModel.of(r.pruned(), TinyModels.IMAGE).structure()).forEach(l -> linears.put(l.name(), l));
        for (LayerMask mask : r.plan().layers()) {
            float[] w = LinearWeights.read(r.pruned().graph(), linears.get(mask.linear()));
            boolean[] pruned = mask.toMask().elements();
            for (int k = 0; k < w.length; k++) {
                if (pruned[k]) {
                    assertThat(w[k]).as("%s[%d]", mask.linear(), k).isZero();
                }
            }
        }
    }

    /** {@code value} of {@code m} on the 32 calibration images. */
    static float[] value(Model m, TinyVitConfig c, String value) {
        try (Runner run = Runner.open(ExposedOutputs.expose(m, List.of(value)), RunnerOptions.defaults())) {
            return run.runFloats(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT,
                    new long[] {32, c.channels(), c.imageSize(), c.imageSize()}, SyntheticImages.batch(c, 11, 32))),
                    List.of(value)).get(value).data();
        }
    }

    static double meanSquared(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s / a.length;
    }
}
