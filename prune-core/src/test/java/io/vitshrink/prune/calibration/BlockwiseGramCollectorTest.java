package io.vitshrink.prune.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.prune.weights.LinearWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeping the residual stream between blocks gives the same Gram matrices as running the whole network. */
class BlockwiseGramCollectorTest {

    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void keptStreamGivesTheFullNetworksGrams(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model m = TinyVitBuilder.build(c);
        AnalyzedModel a = AnalyzedModel.of(m, TinyModels.IMAGE);
        List<TransformerBlock> blocks = a.structure().blocks();
        for (TransformerBlock b : blocks) {
            assertTrue(BlockwiseGramCollector.selfContained(m, b.input(), b.output()), style + " block " + b.index());
        }
        BlockwiseGramCollector kept = new BlockwiseGramCollector(RunnerOptions.defaults(), n -> { });
        kept.start(m, blocks.get(0).input(), TinyModels.calibration(c), false);
        kept.advance(m, blocks.get(0).input(), blocks.get(0).output());
        TransformerBlock second = blocks.get(1);
        List<Linear> linears = PrunableLinears.of(a.structure()).stream().filter(l -> second.nodes().contains(l.name())).toList();
        Map<String, Integer> inputs = PrunableLinears.inputs(linears);
        Map<String, InputGram> fromStream = kept.grams(m, second.input(), second.output(), inputs);
        Map<String, InputGram> full = new GramCollector(RunnerOptions.defaults(), n -> { }).collect(m, inputs, TinyModels.calibration(c));
        for (String v : inputs.keySet()) {
            double[] e = full.get(v).matrix();
            double[] x = fromStream.get(v).matrix();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], x[i], 1e-4 * (1 + Math.abs(e[i])), v + " " + i);
            }
        }
    }

    /**
     * Rewinding to a snapshot brings back the stream as it was; advancing from there through a changed
     * block gives that block's output in a full run of the changed model.
     */
    @org.junit.jupiter.api.Test
    void rewindRestoresTheStreamAndAdvancesThroughAChangedBlock() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model dense = TinyVitBuilder.build(c);
        List<TransformerBlock> blocks = AnalyzedModel.of(dense, TinyModels.IMAGE).structure().blocks();
        TransformerBlock first = blocks.get(0);
        BlockwiseGramCollector kept = new BlockwiseGramCollector(RunnerOptions.defaults(), n -> { });
        kept.start(dense, first.input(), TinyModels.calibration(c), false);
        BlockwiseGramCollector.Snapshot start = kept.snapshot();
        float[] before = kept.streamValues().data();
        kept.advance(dense, first.input(), first.output());
        kept.rewind(start);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, kept.streamValues().data());
        Model changed = dense.copy();
        Linear fc2 = first.mlp().fc2();
        float[] w = LinearWeights.read(changed.graph(), fc2);
        for (int i = 0; i < w.length; i += 3) {
            w[i] = 0;
        }
        LinearWeights.write(changed.graph(), fc2, w, (int) fc2.outFeatures(), (int) fc2.inFeatures());
        kept.advance(changed, first.input(), first.output());
        float[] full;
        try (Runner run = Runner.open(ExposedOutputs.expose(changed, List.of(first.output())), RunnerOptions.defaults())) {
            full = run.runFloats(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT, TinyModels.shape(c),
                    TinyModels.images(c, 11))), List.of(first.output())).get(first.output()).data();
        }
        float[] advanced = kept.streamValues().data();
        assertEquals(full.length, advanced.length);
        for (int i = 0; i < full.length; i++) {
            assertEquals(full[i], advanced[i], 1e-4 * (1 + Math.abs(full[i])), "element " + i);
        }
    }

    /**
     * With a pruned first block, the kept pruned and dense streams give, for the second block's
     * Linear inputs, X̃ᵀX̃ and X̃ᵀX equal to the products of the activations read from full runs of the
     * pruned and the dense network (formed in Java).
     */
    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "TORCHVISION"})
    void crossProductsMatchTheFullNetworksActivations(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model dense = TinyVitBuilder.build(c);
        AnalyzedModel a = AnalyzedModel.of(dense, TinyModels.IMAGE);
        List<TransformerBlock> blocks = a.structure().blocks();
        Model pruned = dense.copy();
        for (Linear l : PrunableLinears.of(a.structure()).stream().filter(l -> blocks.get(0).nodes().contains(l.name())).toList()) {
            float[] w = LinearWeights.read(pruned.graph(), l);
            for (int i = 0; i < w.length; i += 2) {
                w[i] = 0; // every other weight of block 0: its output drifts
            }
            LinearWeights.write(pruned.graph(), l, w, (int) l.outFeatures(), (int) l.inFeatures());
        }
        BlockwiseGramCollector kept = new BlockwiseGramCollector(RunnerOptions.defaults(), n -> { });
        kept.start(dense, blocks.get(0).input(), TinyModels.calibration(c), true);
        kept.advance(pruned, blocks.get(0).input(), blocks.get(0).output());
        kept.advanceDense(dense, blocks.get(0).input(), blocks.get(0).output());
        TransformerBlock second = blocks.get(1);
        List<Linear> linears = PrunableLinears.of(a.structure()).stream().filter(l -> second.nodes().contains(l.name())).toList();
        Map<String, Integer> inputs = PrunableLinears.inputs(linears);
        BlockwiseGramCollector.Statistics st = kept.crossProducts(pruned, dense, second.input(), second.output(), inputs);
        Map<String, Runner.FloatOutput> xt = activations(pruned, c, inputs);
        Map<String, Runner.FloatOutput> x = activations(dense, c, inputs);
        for (Map.Entry<String, Integer> e : inputs.entrySet()) {
            int d = e.getValue();
            float[] p = xt.get(e.getKey()).data();
            float[] q = x.get(e.getKey()).data();
            int rows = p.length / d;
            double[] cross = st.crosses().get(e.getKey()).matrix();
            double[] gram = st.grams().get(e.getKey()).matrix();
            double drift = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double sc = 0;
                    double sg = 0;
                    for (int t = 0; t < rows; t++) {
                        sc += (double) p[t * d + i] * q[t * d + j];
                        sg += (double) p[t * d + i] * p[t * d + j];
                    }
                    assertEquals(sc, cross[i * d + j], 1e-4 * (1 + Math.abs(sc)), e.getKey() + " cross " + i + "," + j);
                    assertEquals(sg, gram[i * d + j], 1e-4 * (1 + Math.abs(sg)), e.getKey() + " gram " + i + "," + j);
                    drift = Math.max(drift, Math.abs(sc - sg));
                }
            }
            assertTrue(drift > 1e-2, "the pruned first block moved " + e.getKey());
        }
    }

    private static Map<String, Runner.FloatOutput> activations(Model m, TinyVitConfig c, Map<String, Integer> inputs) {
        List<String> names = new ArrayList<>(inputs.keySet());
        try (Runner r = Runner.open(ExposedOutputs.expose(m, names), RunnerOptions.defaults());
                CalibrationImages.Pass pass = TinyModels.calibration(c).open()) {
            CalibrationImages.Batch b = pass.next();
            return r.runFloats(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT, b.shape(), b.pixels())), names);
        }
    }
}
