package io.vitshrink.prune.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.plan.BlockCut;
import io.vitshrink.prune.weights.LinearWeights;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Removing heads and channels physically must compute exactly what the dense model computes with
 * those units' weights zeroed (a removed MLP channel is GELU(0) = 0; a head whose v rows are zero
 * contributes nothing to proj), in ONNX Runtime, for every plain export style.
 */
class StructuredRewriteTest {

    @ParameterizedTest
    @CsvSource({"TIMM,17", "TIMM,13", "HUGGING_FACE,17", "HUGGING_FACE,13", "TORCHVISION,17", "TORCHVISION,13"})
    void shrunkModelEqualsMaskedModel(ExportStyle style, int opset) {
        TinyVitConfig c = TinyModels.config(style, opset);
        AnalyzedModel a = TinyModels.analyzed(c);
        List<BlockCut> cuts = List.of(new BlockCut(0, List.of(0, 2), List.of(3, 4, 5, 40, 41, 100, 127)),
                new BlockCut(1, List.of(1), null));
        Model shrunk = StructuredRewrite.apply(a.model(), a.structure(), a.shapes(), cuts, null, 0.01);
        Model masked = masked(a, cuts);

        float[] expected = TinyModels.logits(masked, c);
        float[] actual = TinyModels.logits(shrunk, c);
        assertTrue(TinyModels.maxAbsDiff(expected, actual) < 1e-4 * (1 + TinyModels.maxAbs(expected)),
                "diff " + TinyModels.maxAbsDiff(expected, actual));
        float[] dense = TinyModels.logits(a.model(), c);
        assertTrue(TinyModels.maxAbsDiff(dense, actual) > 1e-3, "the cut changed something");

        AnalyzedModel after = AnalyzedModel.of(shrunk, TinyModels.IMAGE);
        long saved = 2 * StructuredSelection.headMacs(a.structure().blocks().get(0).attention())
                + 3 * StructuredSelection.headMacs(a.structure().blocks().get(1).attention())
                + (128 - 7) * StructuredSelection.channelMacs(a.structure().blocks().get(0));
        assertEquals(a.cost().macs() - saved, after.cost().macs(), "MACs shrink by exactly the removed units");
        assertEquals(2, after.structure().blocks().get(0).attention().heads(), "still recognized, with 2 heads");
        assertEquals(7, after.structure().blocks().get(0).mlp().hiddenFeatures());
    }

    /** The dense model with the removed units' weights zeroed. */
    static Model masked(AnalyzedModel a, List<BlockCut> cuts) {
        Model m = a.model().copy();
        Graph g = m.graph();
        for (BlockCut cut : cuts) {
            TransformerBlock b = a.structure().blocks().get(cut.block());
            if (cut.keptChannels() != null) {
                Linear fc1 = b.mlp().fc1();
                zeroRows(g, fc1, i -> !cut.keptChannels().contains(i));
            }
            if (cut.keptHeads() != null) {
                Attention at = b.attention();
                int d = (int) at.headDim();
                int c = (int) (at.heads() * d);
                if (at.fusedQkv()) {
                    zeroRows(g, at.v(), i -> i >= 2 * c && !cut.keptHeads().contains((i - 2 * c) / d));
                } else {
                    zeroRows(g, at.v(), i -> !cut.keptHeads().contains(i / d));
                }
            }
        }
        return m;
    }

    private static void zeroRows(Graph g, Linear l, java.util.function.IntPredicate row) {
        int out = (int) l.outFeatures();
        int in = (int) l.inFeatures();
        float[] w = LinearWeights.read(g, l);
        for (int r = 0; r < out; r++) {
            if (row.test(r)) {
                java.util.Arrays.fill(w, r * in, (r + 1) * in, 0f);
            }
        }
        LinearWeights.write(g, l, w, out, in);
        if (l.bias() != null) {
            float[] b = g.initializer(l.bias()).orElseThrow().toFloats();
            for (int r = 0; r < out; r++) {
                if (row.test(r)) {
                    b[r] = 0f;
                }
            }
            g.replaceInitializer(l.bias(), Tensor.ofFloats(l.bias(), new long[] {out}, b));
        }
    }
}
