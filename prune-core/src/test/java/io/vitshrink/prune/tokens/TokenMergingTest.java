package io.vitshrink.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.cost.CostModel;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.tome.TokenMergingReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenMergingTest {

    /** One ONNX merge equals the Java reference on the tokens and keys ORT computes before it. */
    @ParameterizedTest
    @CsvSource({"TIMM,17", "TIMM,13", "HUGGING_FACE,17", "TORCHVISION,17"})
    void onnxMergeMatchesReference(ExportStyle style, int opset) {
        AnalyzedModel a = TinyModels.analyzed(style, opset);
        TransformerBlock block = a.structure().blocks().get(1);
        int r = 5;
        Model reduced = TokenReduction.apply(a, new TokenPlan(TokenMethod.TOME, List.of(new TokenSite(1, r))));
        String x = block.attentionResidual().output(0);
        String kt = block.attention().scores().input(1);
        Map<String, Runner.FloatOutput> before = TinyModels.run(a.model(), 3, List.of(x, kt));
        float[] keys = meanKeys(before.get(kt), 3, 2, 17, 16);
        TokenMergingReference.Result expected = TokenMergingReference.merge(before.get(x).data(), keys, null, 3, 17, 32, 16, r);

        String out = AttentiveTokenKeepingTest.reducedValue(reduced, block);
        Runner.FloatOutput actual = TinyModels.run(reduced, 3, List.of(out)).get(out);
        assertArrayEquals(new long[] {3, 17 - r, 32}, actual.shape());
        assertTrue(TinyModels.maxAbsDiff(expected.tokens(), actual.data()) < 1e-4,
                "ONNX merge differs from the reference by " + TinyModels.maxAbsDiff(expected.tokens(), actual.data()));
    }

    /** Two merges (sizes carried, proportional attention after) run at any batch and stay close. */
    @ParameterizedTest
    @CsvSource({"TIMM,17", "TIMM,13", "HUGGING_FACE,17", "TORCHVISION,17"})
    void mergedModelRunsAndStaysClose(ExportStyle style, int opset) {
        AnalyzedModel a = TinyModels.analyzed(style, opset);
        Model reduced = TokenReduction.apply(a, new TokenPlan(TokenMethod.TOME, List.of(new TokenSite(0, 3), new TokenSite(2, 3))));
        ValueShapes shapes = new ShapeProbe(TinyModels.IMAGE).probe(reduced);
        assertArrayEquals(new int[] {17, 14, 14, 11}, TokenCounts.perBlock(a.structure(), shapes));
        assertTrue(CostModel.of(reduced, shapes).macs() < a.cost().macs(), "the cost model sees fewer tokens");
        // still a ViT block for block (quantize after ToMe needs the structure)
        assertTrue(io.vitshrink.onnx.vit.VitRecognizer.recognize(reduced, shapes).blocks().size() == 4, "all blocks recognized");
        for (int batch : new int[] {1, 4}) {
            float[] ref = TinyModels.run(a.model(), batch, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
            float[] got = TinyModels.run(reduced, batch, List.of(TinyVitBuilder.OUTPUT)).get(TinyVitBuilder.OUTPUT).data();
            assertTrue(TinyModels.cosine(ref, got) > 0.9, "cosine " + TinyModels.cosine(ref, got));
        }
    }

    /** Kᵀ {@code [B, H, d, N]} (or {@code [B·H, d, N]}, the same memory) averaged over heads to {@code [B, N, d]}. */
    static float[] meanKeys(Runner.FloatOutput kt, int batch, int heads, int n, int d) {
        float[] out = new float[batch * n * d];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int c = 0; c < d; c++) {
                    for (int t = 0; t < n; t++) {
                        out[(b * n + t) * d + c] += kt.data()[((b * heads + h) * d + c) * n + t] / heads;
                    }
                }
            }
        }
        return out;
    }
}
