package io.vitshrink.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.evit.AttentiveTokenKeepingReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttentiveTokenKeepingTest {

    /** The ONNX keeping equals the Java reference on the values ORT computes before it. */
    @ParameterizedTest
    @CsvSource({"TIMM,17", "TIMM,13", "HUGGING_FACE,17", "TORCHVISION,17"})
    void onnxKeepingMatchesReference(ExportStyle style, int opset) {
        AnalyzedModel a = TinyModels.analyzed(style, opset);
        TransformerBlock block = a.structure().blocks().get(1);
        int n = 17;
        int keep = 9;
        Model reduced = TokenReduction.apply(a, new TokenPlan(TokenMethod.EVIT, List.of(new TokenSite(1, keep))));
        String x = block.attentionResidual().output(0);
        String probs = block.attention().attentionProbs();
        Map<String, Runner.FloatOutput> before = TinyModels.run(a.model(), 3, List.of(x, probs));
        float[] expected = AttentiveTokenKeepingReference.keep(before.get(x).data(), before.get(probs).data(), 3, 2, n, 32, keep);

        String out = reducedValue(reduced, block);
        Runner.FloatOutput actual = TinyModels.run(reduced, 3, List.of(out)).get(out);
        assertArrayEquals(new long[] {3, keep + 2, 32}, actual.shape());
        assertTrue(TinyModels.maxAbsDiff(expected, actual.data()) < 1e-4, "ONNX keeping differs from the reference");
    }

    /**
     * Keeping all image tokens but one fuses that one token with itself: the same token set in another
     * order, which a ViT (position embedding already added) maps to the same logits.
     */
    @ParameterizedTest
    @CsvSource({"TIMM,17", "TIMM,13", "HUGGING_FACE,17", "TORCHVISION,17"})
    void droppingOneTokenKeepsTheLogits(ExportStyle style, int opset) {
        AnalyzedModel a = TinyModels.analyzed(style, opset);
        Model reduced = TokenReduction.apply(a, new TokenPlan(TokenMethod.EVIT, List.of(new TokenSite(0, 15), new TokenSite(2, 15))));
        for (int batch : new int[] {1, 4}) {
            float[] ref = TinyModels.run(a.model(), batch, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
            float[] got = TinyModels.run(reduced, batch, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
            assertTrue(TinyModels.maxAbsDiff(ref, got) < 1e-4, "batch " + batch + ": " + TinyModels.maxAbsDiff(ref, got));
        }
    }

    /** A real reduction runs at any batch and the token count follows through every block. */
    @ParameterizedTest
    @CsvSource({"TIMM,17", "HUGGING_FACE,17", "TORCHVISION,17"})
    void reducedModelRunsAndFollowsTheTokenCount(ExportStyle style, int opset) {
        AnalyzedModel a = TinyModels.analyzed(style, opset);
        Model reduced = TokenReduction.apply(a, new TokenPlan(TokenMethod.EVIT, List.of(new TokenSite(1, 10), new TokenSite(2, 6))));
        AnalyzedModel r = AnalyzedModel.of(reduced, TinyModels.IMAGE);
        assertEquals(List.of(17L, 17L, 12L, 8L), r.structure().blocks().stream().map(b -> b.attention().tokens()).toList());
        assertTrue(r.cost().macs() < a.cost().macs());
        float[] ref = TinyModels.run(a.model(), 5, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
        float[] got = TinyModels.run(reduced, 5, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
        assertTrue(TinyModels.cosine(ref, got) > 0.9, "logits far from the original: cosine " + TinyModels.cosine(ref, got));
        assertEquals("evit 1:10,2:6", reduced.metadata().get(TokenReduction.METADATA_KEY));
    }

    /** The value the reduced block's MLP residual reads in place of the attention residual. */
    static String reducedValue(Model reduced, TransformerBlock block) {
        String fc2 = block.mlp().fc2().output();
        return reduced.graph().node(block.mlpResidual().name()).orElseThrow().inputs().stream()
                .filter(v -> !v.equals(fc2)).findFirst().orElseThrow();
    }
}
