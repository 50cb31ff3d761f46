package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.prune.tokens.evit.AttentiveTokenKeeping;
import io.vitshrink.prune.tokens.semantic.SemanticTokens;
import io.vitshrink.prune.tokens.tome.TokenMerging;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link TokenPlan} to a model: at each site the residual stream after the block's
 * attention is replaced by the method's reduced tokens, then the shapes downstream are made to follow
 * the new count ({@link TokenCountFix}). The input model is not changed; the plan is recorded in the
 * copy's metadata ({@code vitshrink.tokens}).
 */
public final class TokenReduction {
    /** Metadata key of the applied plan. */
    public static final String METADATA_KEY = "vitshrink.tokens";

    private TokenReduction() {
    }

    public static Model apply(AnalyzedModel analyzed, TokenPlan plan) {
        VitStructure vit = analyzed.structure();
        check(vit, plan);
        Model copy = analyzed.model().copy();
        Graph g = copy.graph();
        long width = vit.embedding() != null && vit.embedding().width() > 0 ? vit.embedding().width()
                : vit.blocks().get(0).attention().proj().outFeatures();
        int[] tokens = plan.tokensPerBlock((int) firstTokens(vit), vit.blocks().size());
        List<String> reducedAt = new ArrayList<>();
        TokenMerging.State sized = null; // tokens with sizes: proportional attention follows
        for (TokenSite site : plan.sites()) {
            TransformerBlock block = vit.blocks().get(site.block());
            int tokensIn = site.block() == 0 ? (int) firstTokens(vit) : tokens[site.block() - 1];
            if (plan.method().tokensAfter(tokensIn, site.count()) == tokensIn) {
                continue; // nothing to remove at this site
            }
            String x = block.attentionResidual().output(0);
            List<Node> readers = new ArrayList<>(g.consumers(x));
            OpWriter w = new OpWriter(g, "/tokens/blocks." + site.block(), copy.opset());
            String reduced = switch (plan.method()) {
                case EVIT -> AttentiveTokenKeeping.write(w, block, x, site.count(), width, analyzed.shapes());
                case TOME -> {
                    sized = TokenMerging.write(w, block, x, site.count(), tokensIn, width, analyzed.shapes(), sized);
                    yield sized.tokens();
                }
                case SEMANTIC -> {
                    sized = SemanticTokens.write(w, block, x, site.count(), tokensIn);
                    yield sized.tokens();
                }
            };
            for (Node r : readers) {
                for (int i = 0; i < r.inputs().size(); i++) {
                    if (r.input(i).equals(x)) {
                        g.setNodeInput(r, i, reduced);
                    }
                }
            }
            reducedAt.add(reduced);
        }
        if (sized != null) {
            TokenMerging.addProportionalAttention(g, vit, sized, analyzed.shapes(), copy.opset());
        }
        TokenCountFix.apply(g, analyzed.shapes(), reducedAt, new OpWriter(g, "/tokens", copy.opset()));
        g.removeDeadNodes(); // the replaced shape constants
        g.sortTopologically();
        copy.putMetadata(METADATA_KEY, plan.describe());
        copy.setSource(null);
        return copy;
    }

    /** Tokens entering the first block (class token included). */
    public static long firstTokens(VitStructure vit) {
        if (vit.embedding() != null && vit.embedding().tokens() > 0) {
            return vit.embedding().tokens();
        }
        return vit.blocks().get(0).attention().tokens();
    }

    private static void check(VitStructure vit, TokenPlan plan) {
        if (!vit.isVit()) {
            throw new UserException("token reduction needs a Vision Transformer; no transformer block was recognized");
        }
        if (vit.isHierarchical() || vit.embedding() == null || vit.embedding().classToken() == null) {
            throw new UserException("token reduction needs a plain ViT with a class token (DeiT/ViT style); "
                    + "this model is hierarchical or has no class token");
        }
        if (plan.method() == TokenMethod.SEMANTIC && plan.sites().size() > 1) {
            throw new UserException("semantic tokens are made at one depth; the plan has " + plan.sites().size() + " sites");
        }
        for (TokenSite s : plan.sites()) {
            if (s.block() >= vit.blocks().size()) {
                throw new UserException("token reduction at block " + s.block() + ", but the model has "
                        + vit.blocks().size() + " blocks (0–" + (vit.blocks().size() - 1) + ")");
            }
        }
    }
}
