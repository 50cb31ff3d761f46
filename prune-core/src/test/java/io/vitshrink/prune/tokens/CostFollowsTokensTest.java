package io.vitshrink.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.cost.CostModel;
import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.schedule.TokenCostEstimate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cost model is shape-driven (ShapeProbe runs the rewritten graph), so its per-node MACs follow the
 * token count through a reduction: checked node by node against the token counts, and the search's
 * estimate against it.
 */
class CostFollowsTokensTest {

    @ParameterizedTest
    @CsvSource({"TIMM,EVIT,10", "HUGGING_FACE,EVIT,10", "TORCHVISION,TOME,4", "TIMM,SEMANTIC,6"})
    void perNodeMacsFollowTheTokens(ExportStyle style, TokenMethod method, int count) {
        AnalyzedModel a = TinyModels.analyzed(style, 17);
        TokenPlan plan = new TokenPlan(method, List.of(new TokenSite(1, count)));
        Model reduced = TokenReduction.apply(a, plan);
        ModelCost cost = CostModel.of(reduced, new ShapeProbe(TinyModels.IMAGE).probe(reduced));
        Map<String, NodeCost> byNode = cost.byNode();
        int after = method.tokensAfter(17, count);
        long d = 32;
        long hidden = 128;
        TransformerBlock b1 = a.structure().blocks().get(1);
        TransformerBlock b2 = a.structure().blocks().get(2);
        // block 1: attention on all 17 tokens, MLP on the reduced ones
        assertEquals(17L * 17 * d, byNode.get(b1.attention().scores().name()).macs());
        assertEquals(after * d * hidden, byNode.get(b1.mlp().fc1().name()).macs());
        // block 2: everything on the reduced tokens
        assertEquals((long) after * after * d, byNode.get(b2.attention().scores().name()).macs());
        assertEquals(after * d * d, byNode.get(b2.attention().proj().name()).macs());
        assertEquals(after * hidden * d, byNode.get(b2.mlp().fc2().name()).macs());

        double estimate = new TokenCostEstimate(a).ratio(plan);
        double measured = (double) cost.macs() / a.cost().macs();
        assertTrue(Math.abs(estimate - measured) < 0.02 && measured < 1,
                "estimate " + estimate + " vs cost model " + measured + " (token ops are small)");
    }
}
