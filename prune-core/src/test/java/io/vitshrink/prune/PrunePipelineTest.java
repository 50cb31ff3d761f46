package io.vitshrink.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.allocation.AllocationMeasure;
import io.vitshrink.prune.plan.LayerMask;
import io.vitshrink.prune.plan.PrunePlan;
import io.vitshrink.prune.plan.PrunePlanJson;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.LinearWeights;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.prune.weights.SparsityPattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole pipeline on tiny ViTs, checked in ONNX Runtime. */
class PrunePipelineTest {
    private static final PrunePipeline PIPELINE = new PrunePipeline(RunnerOptions.defaults(), PruneListener.NONE);
    private static final PrunePipeline.Provenance PROVENANCE = new PrunePipeline.Provenance("tiny.onnx", "", "test",
            Map.of("calib", "synthetic"));

    private static PruneSettings block(SparsityPattern p, ImportanceScore s, double sparsity, Reconstruction r) {
        return new PruneSettings(PruneMethod.BLOCK, p, s, sparsity, null, r, 0.01, false, TinyModels.IMAGE);
    }

    /** The ORT output of every pruned Linear equals X·Wᵀ computed in Java from the masked weights. */
    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void prunedLinearsComputeTheMaskedProductInOrt(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result r = PIPELINE.run(m, block(SparsityPattern.block(1, 4), ImportanceScore.MAGNITUDE, 0.5,
                Reconstruction.NONE), null, PROVENANCE);
        AnalyzedModel before = AnalyzedModel.of(m, TinyModels.IMAGE);
        List<Linear> linears = PrunableLinears.of(before.structure());
        assertEquals(linears.size(), r.plan().layers().size());
        Linear fc1 = before.structure().blocks().get(1).mlp().fc1();
        LayerMask mask = r.plan().layers().stream().filter(l -> l.linear().equals(fc1.name())).findFirst().orElseThrow();
        float[] w = LinearWeights.read(m.graph(), fc1);
        boolean[] pruned = mask.toMask().elements();
        for (int i = 0; i < w.length; i++) {
            if (pruned[i]) {
                w[i] = 0;
            }
        }
        float[] bias = m.graph().initializer(fc1.bias()).orElseThrow().toFloats();
        Model exposed = ExposedOutputs.expose(r.pruned(), List.of(fc1.input(), fc1.output()));
        try (Runner run = Runner.open(exposed, RunnerOptions.defaults())) {
            Map<String, Runner.FloatOutput> out = run.runFloats(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(
                    TinyVitBuilder.INPUT, TinyModels.shape(c), TinyModels.images(c, 21))), List.of(fc1.input(), fc1.output()));
            float[] x = out.get(fc1.input()).data();
            float[] y = out.get(fc1.output()).data();
            int in = (int) fc1.inFeatures();
            int o = (int) fc1.outFeatures();
            int rows = x.length / in;
            for (int t = 0; t < rows; t++) {
                for (int j = 0; j < o; j++) {
                    double s = bias[j];
                    for (int k = 0; k < in; k++) {
                        s += x[t * in + k] * w[j * in + k];
                    }
                    assertEquals(s, y[t * o + j], 1e-4 * (1 + Math.abs(s)), "token " + t + " feature " + j);
                }
            }
        }
        AnalyzedModel after = AnalyzedModel.of(r.pruned(), TinyModels.IMAGE);
        long prunableMacs = linears.stream().mapToLong(l -> before.cost().byNode().get(l.name()).macs()).sum();
        assertEquals(before.cost().macs(), after.cost().macs());
        assertEquals(before.cost().macs() - prunableMacs / 2, after.cost().effectiveMacs(), prunableMacs * 0.01);
    }

    @Test
    void reconstructionBringsTheLogitsCloserToTheDenseModel() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        float[] dense = TinyModels.logits(m, c);
        // 32 images × 17 tokens: more tokens than the widest layer input (128), as reconstruction needs
        io.vitshrink.prune.calibration.CalibrationImages calibration = io.vitshrink.prune.calibration.CalibrationImages.of(
                io.vitshrink.onnx.testkit.SyntheticImages.batch(c, 11, 32), new long[] {32, c.channels(), c.imageSize(), c.imageSize()});
        double[] errors = new double[3];
        Reconstruction[] kinds = {Reconstruction.NONE, Reconstruction.SPARSEGPT, Reconstruction.EXACT};
        for (int k = 0; k < 3; k++) {
            PrunePipeline.Result r = PIPELINE.run(m, block(SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5, kinds[k]),
                    calibration, PROVENANCE);
            errors[k] = meanSquared(dense, TinyModels.logits(r.pruned(), c));
            assertEquals(32, r.calibrationImages());
        }
        assertTrue(errors[2] < 0.9 * errors[0], "exact " + errors[2] + " vs none " + errors[0]);
        assertTrue(errors[1] < errors[0], "sparsegpt " + errors[1] + " vs none " + errors[0]);
    }

    @Test
    void planReplaysToTheSameWeightsAfterAJsonRoundTrip() {
        TinyVitConfig c = TinyModels.config(ExportStyle.HUGGING_FACE, 13);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result r = PIPELINE.run(m, block(SparsityPattern.block(4, 4), ImportanceScore.HESSIAN, 0.3,
                Reconstruction.EXACT), TinyModels.calibration(c), PROVENANCE);
        PrunePlan back = PrunePlanJson.parse(PrunePlanJson.toJson(r.plan()));
        assertEquals(PrunePlanJson.toJson(r.plan()), PrunePlanJson.toJson(back));
        Model replayed = PIPELINE.apply(m, back, TinyModels.calibration(c));
        for (String name : r.pruned().graph().initializers().keySet()) {
            assertArrayEquals(r.pruned().graph().initializers().get(name).rawBytes(),
                    replayed.graph().initializers().get(name).rawBytes(), name);
        }
        assertThrows(UserException.class, () -> PIPELINE.apply(m, back, null), "reconstruction needs the images");
    }

    private static PruneSettings sequential(SparsityPattern p, Reconstruction r, boolean layerByLayer, boolean adaptive,
            double denseTarget) {
        return new PruneSettings(p.isNm() ? PruneMethod.NM : PruneMethod.BLOCK, p, ImportanceScore.WANDA, p.isNm() ? null : 0.5,
                null, r, 0.01, false, TinyModels.IMAGE, true, layerByLayer, adaptive, denseTarget, true);
    }

    /** Adaptive masks keep the pattern and the sparsity, and a plan replays them to the same logits. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"1x1", "2:4", "4x4"})
    void adaptiveMasksKeepThePatternAndReplay(String pattern) {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        SparsityPattern p = SparsityPattern.parse(pattern, "--block");
        PrunePipeline.Result r = PIPELINE.run(m, sequential(p, Reconstruction.SPARSEGPT, false, true, 0),
                TinyModels.calibration32(c), PROVENANCE);
        assertEquals(true, r.plan().settings().get("adaptive_mask"));
        for (LayerMask l : r.plan().layers()) {
            assertEquals(0.5, l.sparsity(), p.isNm() ? 1e-9 : 0.02, l.linear());
            boolean[] pruned = l.toMask().elements();
            if (p.isNm()) { // exactly 2 of every 4 consecutive inputs
                for (int k = 0; k < pruned.length; k += 4) {
                    int n = 0;
                    for (int j = k; j < k + 4; j++) {
                        n += pruned[j] ? 1 : 0;
                    }
                    assertEquals(2, n, l.linear() + " group " + k);
                }
            }
        }
        Model replayed = PIPELINE.apply(m, PrunePlanJson.parse(PrunePlanJson.toJson(r.plan())), TinyModels.calibration32(c));
        assertArrayEquals(TinyModels.logits(r.pruned(), c), TinyModels.logits(replayed, c));
        PrunePipeline.Result none = PIPELINE.run(m, sequential(p, Reconstruction.NONE, false, false, 0),
                TinyModels.calibration32(c), PROVENANCE);
        float[] dense = TinyModels.logits(m, c);
        assertTrue(meanSquared(dense, TinyModels.logits(r.pruned(), c)) < meanSquared(dense, TinyModels.logits(none.pruned(), c)));
    }

    /**
     * Dense-target reconstruction: replays to the same logits, and its last block's output is closer
     * to the dense model's on the calibration images than reconstruction toward each layer's own output.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void denseTargetReplaysAndTracksTheDenseModel(boolean layerByLayer) {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result dt = PIPELINE.run(m, sequential(SparsityPattern.unstructured(), Reconstruction.EXACT, layerByLayer,
                false, 1), TinyModels.calibration32(c), PROVENANCE);
        PrunePipeline.Result own = PIPELINE.run(m, sequential(SparsityPattern.unstructured(), Reconstruction.EXACT, layerByLayer,
                false, 0), TinyModels.calibration32(c), PROVENANCE);
        assertEquals(1.0, dt.plan().settings().get("dense_target"));
        String last = AnalyzedModel.of(m, TinyModels.IMAGE).structure().blocks().get(1).output();
        float[] dense = blockOutput(m, c, last);
        double eDt = meanSquared(dense, blockOutput(dt.pruned(), c, last));
        double eOwn = meanSquared(dense, blockOutput(own.pruned(), c, last));
        assertTrue(eDt < eOwn, "dense target " + eDt + " vs own output " + eOwn);
        Model replayed = PIPELINE.apply(m, PrunePlanJson.parse(PrunePlanJson.toJson(dt.plan())), TinyModels.calibration32(c));
        assertArrayEquals(TinyModels.logits(dt.pruned(), c), TinyModels.logits(replayed, c));
    }

    /** A value of the model on the calibration images. */
    private static float[] blockOutput(Model m, TinyVitConfig c, String value) {
        try (Runner run = Runner.open(ExposedOutputs.expose(m, List.of(value)), RunnerOptions.defaults())) {
            return run.runFloats(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT,
                    new long[] {32, c.channels(), c.imageSize(), c.imageSize()},
                    io.vitshrink.onnx.testkit.SyntheticImages.batch(c, 11, 32))), List.of(value)).get(value).data();
        }
    }

    @Test
    void layerByLayerReconstructionReplaysAndBeatsNoReconstruction() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        float[] dense = TinyModels.logits(m, c);
        PruneSettings layers = new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                null, Reconstruction.EXACT, 0.01, false, TinyModels.IMAGE, true, true);
        PrunePipeline.Result r = PIPELINE.run(m, layers, TinyModels.calibration32(c), PROVENANCE);
        assertEquals(true, r.plan().settings().get("layer_by_layer"));
        PrunePipeline.Result none = PIPELINE.run(m, block(SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                Reconstruction.NONE), TinyModels.calibration32(c), PROVENANCE);
        assertTrue(meanSquared(dense, TinyModels.logits(r.pruned(), c)) < meanSquared(dense, TinyModels.logits(none.pruned(), c)));
        Model replayed = PIPELINE.apply(m, PrunePlanJson.parse(PrunePlanJson.toJson(r.plan())), TinyModels.calibration32(c));
        assertArrayEquals(TinyModels.logits(r.pruned(), c), TinyModels.logits(replayed, c));
    }

    @Test
    void twoOfFourLeavesTwoZerosInEveryGroupOfTheSavedWeights() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TORCHVISION, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result r = PIPELINE.run(m, new PruneSettings(PruneMethod.NM, SparsityPattern.nOfM(2, 4),
                ImportanceScore.WANDA, null, null, Reconstruction.EXACT, 0.01, false, TinyModels.IMAGE),
                TinyModels.calibration(c), PROVENANCE);
        AnalyzedModel after = AnalyzedModel.of(r.pruned(), TinyModels.IMAGE);
        for (Linear l : PrunableLinears.of(after.structure())) {
            float[] w = LinearWeights.read(r.pruned().graph(), l);
            for (int g = 0; g < w.length; g += 4) {
                int zeros = 0;
                for (int k = 0; k < 4; k++) {
                    zeros += w[g + k] == 0f ? 1 : 0;
                }
                assertEquals(2, zeros, l.name() + " group " + g / 4);
            }
        }
    }

    @Test
    void structuredRemovalMeetsTheMacTarget() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        AnalyzedModel before = AnalyzedModel.of(m, TinyModels.IMAGE);
        PrunePipeline.Result r = PIPELINE.run(m, new PruneSettings(PruneMethod.STRUCTURED, SparsityPattern.unstructured(),
                ImportanceScore.WANDA, null, 0.8, Reconstruction.EXACT, 0.01, false, TinyModels.IMAGE),
                TinyModels.calibration(c), PROVENANCE);
        AnalyzedModel after = AnalyzedModel.of(r.pruned(), TinyModels.IMAGE);
        double ratio = (double) after.cost().macs() / before.cost().macs();
        assertTrue(ratio <= 0.82 && ratio >= 0.7, "MAC ratio " + ratio);
        assertTrue(after.cost().params() < before.cost().params());
        float[] logits = TinyModels.logits(r.pruned(), c);
        assertTrue(Double.isFinite(meanSquared(logits, TinyModels.logits(m, c))));
        Model replayed = PIPELINE.apply(m, PrunePlanJson.parse(PrunePlanJson.toJson(r.plan())), TinyModels.calibration(c));
        assertArrayEquals(logits, TinyModels.logits(replayed, c));
    }

    /** A head cost above 1 removes more heads for the same MAC budget (and the budget still counts true MACs). */
    @Test
    void headCostShiftsStructuredRemovalTowardHeads() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        long before = AnalyzedModel.of(m, TinyModels.IMAGE).cost().macs();
        int[] heads = new int[2];
        double[] costs = {1, 50};
        for (int k = 0; k < 2; k++) {
            PrunePipeline.Result r = PIPELINE.run(m, new PruneSettings(PruneMethod.STRUCTURED, SparsityPattern.unstructured(),
                    ImportanceScore.WANDA, null, 0.8, Reconstruction.NONE, 0.01, false, TinyModels.IMAGE, true, false, false, 0, true,
                    costs[k]), TinyModels.calibration(c), PROVENANCE);
            heads[k] = r.plan().cuts().stream().mapToInt(cut -> cut.keptHeads().size()).sum();
            double ratio = (double) AnalyzedModel.of(r.pruned(), TinyModels.IMAGE).cost().macs() / before;
            assertTrue(ratio <= 0.82 && ratio >= 0.7, "head cost " + costs[k] + ": MAC ratio " + ratio);
        }
        assertTrue(heads[1] < heads[0], "heads kept: " + heads[0] + " at cost 1, " + heads[1] + " at cost 50");
    }

    @Test
    void allocationMeetsTheWeightBudgetWithDifferentLayerSparsities() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result r = PIPELINE.run(m, new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(),
                ImportanceScore.WANDA, 0.5, null, Reconstruction.NONE, 0.01, true, TinyModels.IMAGE),
                TinyModels.calibration(c), PROVENANCE);
        long total = 0;
        double removed = 0;
        java.util.Set<Double> distinct = new java.util.HashSet<>();
        for (LayerMask l : r.plan().layers()) {
            total += (long) l.out() * l.in();
            removed += l.sparsity() * l.out() * l.in();
            distinct.add(Math.round(l.sparsity() * 10) / 10.0);
        }
        AnalyzedModel before = AnalyzedModel.of(m, TinyModels.IMAGE);
        for (Linear l : PrunableLinears.of(before.structure())) {
            if (r.plan().layers().stream().noneMatch(x -> x.linear().equals(l.name()))) {
                total += l.inFeatures() * l.outFeatures(); // left dense
            }
        }
        assertTrue(removed / total >= 0.49 && removed / total < 0.56, "overall " + removed / total);
        assertTrue(distinct.size() > 1, "not uniform: " + distinct);
    }

    /**
     * Network allocation, block by block with reconstruction: the budget holds, the layers differ, the
     * plan records the measure, and the masks replay.
     */
    @Test
    void networkAllocationMeetsTheBudgetRecordsItsMeasureAndReplays() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        PruneSettings settings = new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                null, Reconstruction.EXACT, 0.01, true, TinyModels.IMAGE).withAllocation(AllocationMeasure.NETWORK);
        PrunePipeline.Result r = PIPELINE.run(m, settings, TinyModels.calibration32(c), PROVENANCE);
        long total = 0;
        double removed = 0;
        java.util.Set<Double> distinct = new java.util.HashSet<>();
        AnalyzedModel before = AnalyzedModel.of(m, TinyModels.IMAGE);
        for (Linear l : PrunableLinears.of(before.structure())) {
            total += l.inFeatures() * l.outFeatures();
        }
        for (LayerMask l : r.plan().layers()) {
            removed += l.sparsity() * l.out() * l.in();
            distinct.add(l.sparsity());
        }
        assertTrue(removed / total >= 0.5 && removed / total < 0.53, "overall " + removed / total);
        assertTrue(distinct.size() > 1, "not uniform: " + distinct);
        assertEquals("network", r.plan().setting("allocation", ""));
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("allocated sparsity per layer:")), r.notes().toString());
        Model replayed = PIPELINE.apply(m, r.plan(), TinyModels.calibration32(c));
        assertArrayEquals(TinyModels.logits(r.pruned(), c), TinyModels.logits(replayed, c));
    }

    /** --mlp-sparsity: the MLPs at that sparsity, the attention at what keeps the overall budget. */
    @Test
    void mlpSparsitySplitsTheBudgetAndKeepsTheOverallSparsity() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        PrunePipeline.Result r = PIPELINE.run(m, block(SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                Reconstruction.NONE).withMlpSparsity(0.4), TinyModels.calibration(c), PROVENANCE);
        // width 32, MLP 128: per block 3·32·32 + 32·32 = 4096 attention and 2·32·128 = 8192 MLP weights
        double attention = (0.5 * 12288 - 0.4 * 8192) / 4096;
        long removed = 0;
        for (LayerMask mask : r.plan().layers()) {
            boolean mlp = mask.linear().contains("mlp");
            assertEquals(mlp ? 0.4 : attention, mask.sparsity(), 1.0 / 32, mask.linear()); // whole weights per row of 32 or 128
            removed += Math.round(mask.sparsity() * mask.out() * mask.in());
        }
        assertEquals(0.5, removed / (2 * 12288.0), 0.02);
        assertEquals(0.4, r.plan().settings().get("mlp_sparsity"));
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("sparsity split: MLP 0.400, attention 0.700")), r.notes().toString());
        assertThrows(UserException.class, () -> PIPELINE.run(m, block(SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                Reconstruction.NONE).withMlpSparsity(0.05), TinyModels.calibration(c), PROVENANCE), "attention would exceed 1");
        assertThrows(UserException.class, () -> block(SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                Reconstruction.NONE).withMlpSparsity(1.2));
    }

    @Test
    void badSettingsAreUserErrors() {
        assertThrows(UserException.class, () -> new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(),
                ImportanceScore.WANDA, 0.5, null, Reconstruction.EXACT, 0.01, false, TinyModels.IMAGE, false, false, false, 1, true),
                "dense target needs block-by-block calibration");
        assertThrows(UserException.class, () -> new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(),
                ImportanceScore.WANDA, 0.5, null, Reconstruction.NONE, 0.01, false, TinyModels.IMAGE, true, false, true, 0, true),
                "adaptive masks need reconstruction");
        assertThrows(UserException.class, () -> new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(),
                ImportanceScore.WANDA, 0.5, 0.8, Reconstruction.NONE, 0.01, false, 32));
        assertThrows(UserException.class, () -> new PruneSettings(PruneMethod.NM, SparsityPattern.block(4, 4),
                ImportanceScore.WANDA, null, null, Reconstruction.NONE, 0.01, false, 32));
        assertThrows(UserException.class, () -> new PruneSettings(PruneMethod.BLOCK, SparsityPattern.unstructured(),
                ImportanceScore.WANDA, 1.5, null, Reconstruction.NONE, 0.01, false, 32));
        Model m = TinyVitBuilder.build(TinyModels.config(ExportStyle.TIMM, 17));
        assertThrows(UserException.class, () -> PIPELINE.run(m, block(SparsityPattern.unstructured(), ImportanceScore.WANDA, 0.5,
                Reconstruction.NONE), null, PROVENANCE), "wanda without calibration");
    }

    private static double meanSquared(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s / a.length;
    }
}
