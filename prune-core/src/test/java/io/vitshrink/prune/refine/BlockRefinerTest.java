package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.vitshrink.prune.refine.RefineFixtures.PIPELINE;
import static io.vitshrink.prune.refine.RefineFixtures.PROVENANCE;
import static io.vitshrink.prune.refine.RefineFixtures.assertPrunedWeightsAreZero;
import static io.vitshrink.prune.refine.RefineFixtures.meanSquared;
import static io.vitshrink.prune.refine.RefineFixtures.settings;
import static io.vitshrink.prune.refine.RefineFixtures.value;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.prune.PruneMethod;
import io.vitshrink.prune.PrunePipeline;
import io.vitshrink.prune.PruneSettings;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.plan.PrunePlanJson;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.SparsityPattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Block refinement inside the pruning pipeline, on tiny ViTs in ONNX Runtime. */
class BlockRefinerTest {

    /**
     * Every export style's attention and MLP are recognized in the standard form (no "not refined"
     * note), every sub-block's held-out error does not rise, and the pruned weights stay zero.
     */
    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void refinesEverySubBlockOfEveryExportStyleAndKeepsTheMasks(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result r = PIPELINE.run(m, settings(new RefineSettings(40, 3e-3, 8, 0, 1)), TinyModels.calibration32(c),
                PROVENANCE);
        List<String> refined = r.notes().stream().filter(n -> n.contains(" refined: held-out error")).toList();
        assertThat(refined).as(r.notes().toString()).hasSize(4); // 2 blocks × (attention, MLP)
        assertThat(r.notes()).noneMatch(n -> n.contains("not refined"));
        for (String n : refined) {
            String[] e = n.replaceAll(".*held-out error ([0-9.]+) → ([0-9.]+).*", "$1 $2").split(" ");
            assertThat(Double.parseDouble(e[1])).as(n).isLessThanOrEqualTo(Double.parseDouble(e[0]));
        }
        assertThat(refined).anyMatch(n -> !n.contains("best after step 0 "));
        assertPrunedWeightsAreZero(r);
    }

    /**
     * Refinement brings the last block's output on the calibration images closer to the dense
     * model's than reconstruction alone, with either target, and a plan replays it exactly.
     */
    @Test
    void refinementTracksTheDenseModelBetterAndReplays() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result plain = PIPELINE.run(m, settings(RefineSettings.OFF), TinyModels.calibration32(c), PROVENANCE);
        String last = AnalyzedModel.of(m, TinyModels.IMAGE).structure().blocks().get(1).output();
        float[] dense = value(m, c, last);
        double ePlain = meanSquared(dense, value(plain.pruned(), c, last));
        for (double share : new double[] {0, 1}) {
            PrunePipeline.Result refined = PIPELINE.run(m, settings(new RefineSettings(60, 3e-3, 8, share, 1)),
                    TinyModels.calibration32(c), PROVENANCE);
            double eRefined = meanSquared(dense, value(refined.pruned(), c, last));
            assertThat(eRefined).as("target share %s", share).isLessThan(0.9 * ePlain);
            assertThat(refined.plan().settings()).containsEntry("refine_steps", 60).containsEntry("refine_target", share);
            Model replayed = PIPELINE.apply(m, PrunePlanJson.parse(PrunePlanJson.toJson(refined.plan())), TinyModels.calibration32(c));
            assertThat(TinyModels.logits(replayed, c)).containsExactly(TinyModels.logits(refined.pruned(), c));
        }
    }

    /** Weighting the class token (the only one the head reads) lowers its error in the last block's output. */
    @Test
    void aWeightedClassTokenEndsCloserToTheDenseModel() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        String last = AnalyzedModel.of(m, TinyModels.IMAGE).structure().blocks().get(1).output();
        float[] dense = value(m, c, last);
        double[] clsError = new double[2];
        double[] weights = {1, 50};
        for (int i = 0; i < 2; i++) {
            PrunePipeline.Result r = PIPELINE.run(m, settings(new RefineSettings(60, 3e-3, 8, 0, 1, weights[i])),
                    TinyModels.calibration32(c), PROVENANCE);
            float[] out = value(r.pruned(), c, last);
            int width = c.width();
            int tokens = out.length / (32 * width);
            double e = 0;
            for (int img = 0; img < 32; img++) {
                for (int f = 0; f < width; f++) {
                    int k = img * tokens * width + f; // token 0 of each image
                    e += (out[k] - dense[k]) * (double) (out[k] - dense[k]);
                }
            }
            clsError[i] = e;
        }
        assertThat(clsError[1]).isLessThan(clsError[0]);
    }

    @Test
    void refinementNeedsBlockByBlockReconstruction() {
        RefineSettings on = new RefineSettings(10, 1e-3, 16, 0, 0);
        assertThatThrownBy(() -> new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                null, Reconstruction.NONE, 0.01, false, TinyModels.IMAGE, true, false).withRefine(on))
                .isInstanceOf(UserException.class).hasMessageContaining("--reconstruct");
        assertThatThrownBy(() -> new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                null, Reconstruction.EXACT, 0.01, false, TinyModels.IMAGE, false, false).withRefine(on))
                .isInstanceOf(UserException.class).hasMessageContaining("--one-shot");
        assertThatThrownBy(() -> new RefineSettings(10, 0, 16, 0, 0)).isInstanceOf(UserException.class);
        assertThatThrownBy(() -> new RefineSettings(10, 1e-3, 16, 1.5, 0)).isInstanceOf(UserException.class);
    }

}
