package io.vitshrink.prune.tokens.schedule;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.TokenMethod;
import io.vitshrink.prune.tokens.TokenPlan;
import io.vitshrink.prune.tokens.TokenReduction;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MACs of a token plan without building it, from the cost model's per-node MACs of the original:
 * a block's projections scale with its tokens, its attention products (Q·Kᵀ, attn·V) with their
 * square, and its MLP with the tokens left after the block's site; everything outside the blocks
 * (patch embedding, head) stays. The search uses it to meet a MACs target; the reported MACs are the
 * cost model's on the rewritten graph (the token operations themselves add well under 1%).
 */
public final class TokenCostEstimate {
    private final long totalMacs;
    private final long[] projections;
    private final long[] attentionProducts;
    private final long[] mlp;
    private final long outside;
    private final int tokens;

    public TokenCostEstimate(AnalyzedModel model) {
        Map<String, NodeCost> costs = model.cost().byNode();
        List<TransformerBlock> blocks = model.structure().blocks();
        projections = new long[blocks.size()];
        attentionProducts = new long[blocks.size()];
        mlp = new long[blocks.size()];
        long inBlocks = 0;
        for (TransformerBlock b : blocks) {
            Attention a = b.attention();
            Set<String> proj = new HashSet<>(List.of(a.q().name(), a.k().name(), a.v().name(), a.proj().name()));
            projections[b.index()] = proj.stream().mapToLong(n -> macs(costs, n)).sum();
            attentionProducts[b.index()] = macs(costs, a.scores().name()) + macs(costs, a.context().name());
            mlp[b.index()] = macs(costs, b.mlp().fc1().name()) + macs(costs, b.mlp().fc2().name());
            inBlocks += projections[b.index()] + attentionProducts[b.index()] + mlp[b.index()];
        }
        totalMacs = model.cost().macs();
        outside = totalMacs - inBlocks;
        tokens = (int) TokenReduction.firstTokens(model.structure());
    }

    private static long macs(Map<String, NodeCost> costs, String node) {
        NodeCost c = costs.get(node);
        return c == null ? 0 : c.macs();
    }

    public long originalMacs() {
        return totalMacs;
    }

    public int tokens() {
        return tokens;
    }

    public int blocks() {
        return mlp.length;
    }

    /** Estimated MACs of the model reduced by {@code plan}. */
    public long macs(TokenPlan plan) {
        int[] after = plan.tokensPerBlock(tokens, blocks());
        double total = outside;
        int in = tokens;
        for (int b = 0; b < blocks(); b++) {
            double f = (double) in / tokens;
            double g = (double) after[b] / tokens;
            total += projections[b] * f + attentionProducts[b] * f * f + mlp[b] * g;
            in = after[b];
        }
        return Math.round(total);
    }

    public double ratio(TokenPlan plan) {
        return (double) macs(plan) / totalMacs;
    }

    /** Convenience for one method. */
    public double ratio(TokenMethod method, List<io.vitshrink.prune.tokens.TokenSite> sites) {
        return ratio(new TokenPlan(method, sites));
    }
}
