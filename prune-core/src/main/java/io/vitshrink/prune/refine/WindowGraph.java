package io.vitshrink.prune.refine;

import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive pre-norm transformer blocks {@code x + attn(ln1(x))}, then {@code + mlp(ln2(·))}, as one
 * graph whose input {@code x} is the residual stream entering the first ({@code [images, tokens,
 * width]}) and whose output {@code y} is what the window adds to it (the last block's output minus
 * {@code x}), so that the attention and MLP weights of every block in the window are fitted together
 * to that block's (or the last block's) output. The LayerNorms are fixed; the gradient flows back
 * through them and through the residual branches. Parameters: each block's attention and MLP
 * parameters prefixed {@code b<i>_}, block after block.
 */
public final class WindowGraph {
    private WindowGraph() {
    }

    /**
     * Shape and fixed parts of one block.
     *
     * @param scale the attention's factor on the scores
     */
    public record Block(int width, int heads, int headDim, float scale, int hidden, LayerNormParams norm1, LayerNormParams norm2) {
    }

    public static SubBlockGraph build(List<Block> blocks, boolean gradients) {
        SubBlockGraph.Writer w = new SubBlockGraph.Writer(3, 3);
        String x = SubBlockGraph.X;
        List<LayerNormGraph.Pass> norms1 = new ArrayList<>();
        List<LayerNormGraph.Pass> norms2 = new ArrayList<>();
        List<AttentionGraph.Pass> attentions = new ArrayList<>();
        List<MlpGraph.Pass> mlps = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String prefix = "b" + i + "_";
            LayerNormGraph.Pass n1 = LayerNormGraph.forward(w, x, b.norm1());
            AttentionGraph.Pass a = AttentionGraph.forward(w, n1.y(), prefix, b.width(), b.heads(), b.headDim(), b.width(), b.scale());
            String mid = w.ops.op("Add", List.of(x, a.y()));
            LayerNormGraph.Pass n2 = LayerNormGraph.forward(w, mid, b.norm2());
            MlpGraph.Pass m = MlpGraph.forward(w, n2.y(), prefix, b.width(), b.hidden(), b.width());
            x = w.ops.op("Add", List.of(mid, m.y()));
            norms1.add(n1);
            norms2.add(n2);
            attentions.add(a);
            mlps.add(m);
        }
        String dy = w.lossAndOutputGradient(w.ops.op("Sub", List.of(x, SubBlockGraph.X)));
        if (gradients) {
            String dStream = dy; // the gradient of the stream after the block being walked back through
            for (int i = blocks.size() - 1; i >= 0; i--) {
                String dMid = w.ops.op("Add", List.of(dStream, norms2.get(i).backward(mlps.get(i).backward(dStream, true))));
                String dNorm1 = attentions.get(i).backward(dMid, i > 0);
                dStream = i > 0 ? w.ops.op("Add", List.of(dMid, norms1.get(i).backward(dNorm1))) : null;
            }
        }
        return w.build();
    }
}
