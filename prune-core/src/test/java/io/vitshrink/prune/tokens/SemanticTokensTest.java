package io.vitshrink.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.semantic.SemanticTokens;
import io.vitshrink.prune.tokens.semantic.SemanticTokensReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemanticTokensTest {

    @ParameterizedTest
    @CsvSource({"TIMM,17", "TIMM,13", "HUGGING_FACE,17", "TORCHVISION,17"})
    void onnxSemanticTokensMatchReferenceAndTheModelRuns(ExportStyle style, int opset) {
        AnalyzedModel a = TinyModels.analyzed(style, opset);
        TransformerBlock block = a.structure().blocks().get(1);
        Model reduced = TokenReduction.apply(a, new TokenPlan(TokenMethod.SEMANTIC, List.of(new TokenSite(1, 6))));
        String x = block.attentionResidual().output(0);
        Map<String, Runner.FloatOutput> before = TinyModels.run(a.model(), 3, List.of(x));
        float[] expected = SemanticTokensReference.tokens(before.get(x).data(), 3, 4, 32, 6);
        String out = AttentiveTokenKeepingTest.reducedValue(reduced, block);
        Runner.FloatOutput actual = TinyModels.run(reduced, 3, List.of(out)).get(out);
        assertArrayEquals(new long[] {3, 7, 32}, actual.shape());
        assertTrue(TinyModels.maxAbsDiff(expected, actual.data()) < 1e-4, "differs by " + TinyModels.maxAbsDiff(expected, actual.data()));
        assertArrayEquals(new int[] {17, 17, 7, 7}, TokenCounts.perBlock(a.structure(), new ShapeProbe(TinyModels.IMAGE).probe(reduced)));
        float[] ref = TinyModels.run(a.model(), 2, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
        float[] got = TinyModels.run(reduced, 2, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
        assertTrue(TinyModels.cosine(ref, got) > 0.8, "cosine " + TinyModels.cosine(ref, got));
    }

    @Test
    void adaptivePoolingCellsCoverTheGridOnce() {
        float[] m = SemanticTokens.poolingMatrix(14, 10, 11);
        float[] coverage = new float[196];
        for (int cell = 0; cell < 110; cell++) {
            float rowSum = 0;
            for (int p = 0; p < 196; p++) {
                rowSum += m[cell * 196 + p];
                coverage[p] += m[cell * 196 + p] > 0 ? 1 : 0;
            }
            assertEquals(1f, rowSum, 1e-5f, "cell " + cell + " is an average");
        }
        for (float c : coverage) {
            assertTrue(c >= 1, "every patch is pooled");
        }
        assertArrayEquals(new int[] {10, 11}, SemanticTokens.gridOf(110));
        assertArrayEquals(new int[] {7, 7}, SemanticTokens.gridOf(49));
    }
}
