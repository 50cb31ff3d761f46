package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Attribute;
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
 *
 * <p>A deep window ({@code tokens > 0}) outputs what the stream has gained after every block, the K
 * deltas concatenated along the token axis ({@code [images, K·tokens, width]}, block 0's first), so
 * that one target and one token-weight vector hold each intermediate stream too; the gradient of
 * each part joins the backward pass where that block's output is.
 *
 * <p>With a head norm, one more row follows along the token axis: the class token of the last
 * block's stream after the model's final LayerNorm, what the classifier reads. Its error counts as
 * the head sees it — the stream's mean and scale, which that LayerNorm removes, do not — and its
 * gradient reaches the stream's class token through that LayerNorm's backward pass.
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
        return build(blocks, gradients, 0);
    }

    /**
     * @param tokens tokens per image of a deep window (the output holds every block's delta); 0 = the
     *     last block's delta alone
     */
    public static SubBlockGraph build(List<Block> blocks, boolean gradients, int tokens) {
        return build(blocks, gradients, tokens, null);
    }

    /**
     * @param tokens tokens per image of a deep window (the output holds every block's delta); 0 = the
     *     last block's delta alone
     * @param headNorm the model's final LayerNorm, whose output on the class token is appended to the
     *     output as one more row; null = none
     */
    public static SubBlockGraph build(List<Block> blocks, boolean gradients, int tokens, LayerNormParams headNorm) {
        return build(blocks, gradients, tokens, headNorm, 0);
    }

    /**
     * @param tokens tokens per image of a deep window (the output holds every block's delta); 0 = the
     *     last block's delta alone
     * @param headNorm the model's final LayerNorm, whose output on the class token is appended to the
     *     output as one more row; null = none
     * @param noise σ of the noise added to what each attention and MLP reads ({@link
     *     SubBlockGraph.Writer#perturbed}: the stream entering its LayerNorm, plus σ times each
     *     feature's deviation times unit noise, slice 2i for block i's attention, 2i + 1 for its MLP);
     *     the residual stream itself stays clean. 0 = none
     */
    public static SubBlockGraph build(List<Block> blocks, boolean gradients, int tokens, LayerNormParams headNorm, float noise) {
        SubBlockGraph.Writer w = new SubBlockGraph.Writer(3, 3);
        String x = SubBlockGraph.X;
        List<LayerNormGraph.Pass> norms1 = new ArrayList<>();
        List<LayerNormGraph.Pass> norms2 = new ArrayList<>();
        List<AttentionGraph.Pass> attentions = new ArrayList<>();
        List<MlpGraph.Pass> mlps = new ArrayList<>();
        List<String> deltas = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String prefix = "b" + i + "_";
            LayerNormGraph.Pass n1 = LayerNormGraph.forward(w, noise > 0 ? w.perturbed(x, 2 * i, noise) : x, b.norm1());
            AttentionGraph.Pass a = AttentionGraph.forward(w, n1.y(), prefix, b.width(), b.heads(), b.headDim(), b.width(), b.scale());
            String mid = w.ops.op("Add", List.of(x, a.y()));
            LayerNormGraph.Pass n2 = LayerNormGraph.forward(w, noise > 0 ? w.perturbed(mid, 2 * i + 1, noise) : mid, b.norm2());
            MlpGraph.Pass m = MlpGraph.forward(w, n2.y(), prefix, b.width(), b.hidden(), b.width());
            x = w.ops.op("Add", List.of(mid, m.y()));
            if (tokens > 0) {
                deltas.add(w.ops.op("Sub", List.of(x, SubBlockGraph.X)));
            }
            norms1.add(n1);
            norms2.add(n2);
            attentions.add(a);
            mlps.add(m);
        }
        int k = blocks.size();
        String out = tokens > 0 ? w.ops.op("Concat", deltas, Attribute.of("axis", 1L)) : w.ops.op("Sub", List.of(x, SubBlockGraph.X));
        LayerNormGraph.Pass head = null;
        if (headNorm != null) {
            head = LayerNormGraph.forward(w, w.ops.slice(x, 1, 0, 1), headNorm);
            out = w.ops.op("Concat", List.of(out, head.y()), Attribute.of("axis", 1L));
        }
        String dy = w.lossAndOutputGradient(out);
        if (gradients) {
            String dDeltas = head == null ? dy : w.ops.slice(dy, 1, 0, -1);
            // the gradient of the stream after the block being walked back through
            String dStream = tokens > 0 ? w.ops.slice(dDeltas, 1, (long) (k - 1) * tokens, (long) k * tokens) : dDeltas;
            if (head != null) { // the head row's gradient enters at the class token of the last stream
                String dClass = head.backward(w.ops.slice(dy, 1, -1, Long.MAX_VALUE));
                String zeros = w.ops.op("Mul", List.of(w.ops.slice(dStream, 1, 1, Long.MAX_VALUE), w.ops.float0(0f)));
                dStream = w.ops.op("Add", List.of(dStream, w.ops.op("Concat", List.of(dClass, zeros), Attribute.of("axis", 1L))));
            }
            for (int i = k - 1; i >= 0; i--) {
                String dMid = w.ops.op("Add", List.of(dStream, norms2.get(i).backward(mlps.get(i).backward(dStream, true))));
                String dNorm1 = attentions.get(i).backward(dMid, i > 0);
                dStream = i > 0 ? w.ops.op("Add", List.of(dMid, norms1.get(i).backward(dNorm1))) : null;
                if (i > 0 && tokens > 0) { // the loss on the stream after block i − 1 enters here
                    dStream = w.ops.op("Add", List.of(dStream, w.ops.slice(dy, 1, (long) (i - 1) * tokens, (long) i * tokens)));
                }
            }
        }
        return w.build();
    }
}
