package io.vitshrink.prune.tokens.tome;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.prune.tokens.AttentionTaps;
import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * Token merging by bipartite soft matching (ToMe, Bolya et al., "Token Merging: Your ViT but Faster",
 * ICLR 2023) as ONNX ops, after a block's attention and before its MLP. Tokens are split alternately
 * into sets A (even positions, the class token among them) and B (odd); each A token's most similar B
 * token by cosine similarity of the keys (averaged over heads) is its match; the {@code r} A tokens
 * with the most similar matches are merged into them by a size-weighted average, the class token never.
 * Sizes (how many patches a token stands for) are carried to later sites, and every later attention
 * adds {@code log(size)} to its logits (proportional attention). The unmerged A tokens stay in their
 * original order (the class token stays first), followed by the B tokens.
 *
 * <p>Ops: Slice (with steps), ReduceSum, Sqrt, Div, MatMul, ReduceMax, ArgMax, TopK, GatherElements,
 * ScatterElements with {@code reduction="add"} (opset 16+; below, the same sum as a one-hot MatMul),
 * Concat, Log, Add. {@link TokenMergingReference} computes the same in Java.
 */
public final class TokenMerging {
    private TokenMerging() {
    }

    /**
     * What a merge leaves for the next sites and attentions.
     *
     * @param tokens the merged tokens {@code [B, n, D]}
     * @param size patches per token {@code [B, n, 1]}
     * @param block the block of the merge
     */
    public record State(String tokens, String size, int block, List<State> history) {
        /** The size in force in a block's attention: from the last merge before that block, or null. */
        public String sizeBefore(int b) {
            String s = null;
            for (State st : history) {
                if (st.block < b) {
                    s = st.size;
                }
            }
            return s;
        }
    }

    /** Writes one merge of {@code r} pairs after {@code x}; {@code previous} is the last merge or null. */
    public static State write(OpWriter w, TransformerBlock block, String x, int r, int tokensIn, long width,
            ValueShapes shapes, State previous) {
        int na = (tokensIn + 1) / 2;
        int nb = tokensIn / 2;
        r = Math.min(r, na - 1);
        // the metric: keys averaged over heads, L2-normalized
        String keys = AttentionTaps.meanKeys(w, block.attention(), shapes); // [B, N, d]
        String norm = w.op("Sqrt", List.of(w.reduceSum(w.op("Mul", List.of(keys, keys)), true, 2)));
        String metric = w.op("Div", List.of(keys, norm));
        String ma = w.slice(metric, 1, 0, Long.MAX_VALUE, 2);
        String mb = w.slice(metric, 1, 1, Long.MAX_VALUE, 2);
        String scores = w.op("MatMul", List.of(ma, w.op("Transpose", List.of(mb), Attribute.ofInts("perm", 0, 2, 1))));
        float[] protect = new float[na];
        protect[0] = Float.NEGATIVE_INFINITY; // the class token is never merged
        scores = w.op("Add", List.of(scores, w.constant(Tensor.ofFloats("", new long[] {na, 1}, protect))));
        String nodeMax = w.opset() >= 18
                ? w.op("ReduceMax", List.of(scores, w.ints(2)), Attribute.of("keepdims", 0L))
                : w.op("ReduceMax", List.of(scores), Attribute.ofInts("axes", 2), Attribute.of("keepdims", 0L));
        String nodeIdx = w.op("ArgMax", List.of(scores), Attribute.of("axis", 2L), Attribute.of("keepdims", 0L));
        String edgeIdx = w.ops("TopK", 2, List.of(nodeMax, w.ints(na)), Attribute.of("axis", 1L),
                Attribute.of("largest", 1L), Attribute.of("sorted", 1L)).get(1);
        String srcIdx = w.slice(edgeIdx, 1, 0, r);
        String unmIdx = w.slice(edgeIdx, 1, r, Long.MAX_VALUE);
        // unmerged A tokens back in position order (ascending TopK of their positions)
        String unmSorted = w.ops("TopK", 2, List.of(unmIdx, w.ints(na - r)), Attribute.of("axis", 1L),
                Attribute.of("largest", 0L), Attribute.of("sorted", 1L)).get(0);
        String dstIdx = w.op("GatherElements", List.of(nodeIdx, srcIdx), Attribute.of("axis", 1L));
        // merge [x·size, size] at once so tokens and sizes are summed by the same scatter
        String size = previous == null
                ? w.op("ConstantOfShape", List.of(w.op("Concat", List.of(w.dim(x, 0), w.dim(x, 1), w.ints(1)),
                        Attribute.of("axis", 0L))), Attribute.of("value", Tensor.ofFloats("", new long[] {1}, new float[] {1f})))
                : previous.size();
        String aug = w.op("Concat", List.of(previous == null ? x : w.op("Mul", List.of(x, size)), size), Attribute.of("axis", 2L));
        long wide = width + 1;
        String aAug = w.slice(aug, 1, 0, Long.MAX_VALUE, 2);
        String bAug = w.slice(aug, 1, 1, Long.MAX_VALUE, 2);
        String unm = w.op("GatherElements", List.of(aAug, w.expandIndices(unmSorted, wide)), Attribute.of("axis", 1L));
        String src = w.op("GatherElements", List.of(aAug, w.expandIndices(srcIdx, wide)), Attribute.of("axis", 1L));
        String dst;
        if (w.opset() >= 16) {
            dst = w.op("ScatterElements", List.of(bAug, w.expandIndices(dstIdx, wide), src), Attribute.of("axis", 1L),
                    Attribute.of("reduction", "add"));
        } else {
            long[] positions = new long[nb];
            for (int i = 0; i < nb; i++) {
                positions[i] = i;
            }
            String oneHot = w.op("Cast", List.of(w.op("Equal", List.of(w.unsqueeze(dstIdx, 2),
                    w.constant(Tensor.ofLongs("", new long[] {1, 1, nb}, positions))))), Attribute.of("to", 1L)); // [B, r, Nb]
            String added = w.op("MatMul", List.of(w.op("Transpose", List.of(oneHot), Attribute.ofInts("perm", 0, 2, 1)), src));
            dst = w.op("Add", List.of(bAug, added));
        }
        String merged = w.op("Concat", List.of(unm, dst), Attribute.of("axis", 1L)); // [B, N-r, D+1]
        String newSize = w.slice(merged, 2, width, width + 1);
        String sum = w.slice(merged, 2, 0, width);
        String merged0 = w.op("Div", List.of(sum, newSize));
        // The class token is never merged and never merged into (it is an A token, and only B tokens
        // receive), so it is x's first token unchanged: taking it from x directly keeps the stream a
        // Concat of x's class token, which the structure recognizer walks through to the block's MLP.
        String tokens = w.op("Concat", List.of(w.slice(x, 1, 0, 1), w.slice(merged0, 1, 1, Long.MAX_VALUE)),
                Attribute.of("axis", 1L));
        List<State> history = new java.util.ArrayList<>(previous == null ? List.of() : previous.history());
        State state = new State(tokens, newSize, block.index(), history);
        history.add(state);
        return state;
    }

    /**
     * Adds {@code log(size)} to the attention logits of every block after the first merge (the size
     * of the last merge before that block).
     */
    public static void addProportionalAttention(Graph g, VitStructure vit, State last, ValueShapes shapes, long opset) {
        int first = last.history().get(0).block();
        for (TransformerBlock block : vit.blocks()) {
            if (block.index() <= first) {
                continue;
            }
            String size = last.sizeBefore(block.index());
            Attention a = block.attention();
            OpWriter w = new OpWriter(g, "/tokens/blocks." + block.index() + "/proportional_attention", opset);
            String logits = a.softmax().input(0);
            String logSize = w.op("Log", List.of(size)); // [B, n, 1]
            String row = w.unsqueeze(w.op("Transpose", List.of(logSize), Attribute.ofInts("perm", 0, 2, 1)), 1); // [B, 1, 1, n]
            long[] s = shapes.of(logits).orElseThrow();
            String bias = row;
            if (s.length == 3) { // [B·H, n, n]: repeat per head, then fold heads into the batch
                String perHead = w.op("Expand", List.of(row, w.ints(1, a.heads(), 1, 1)));
                String shape = w.op("Concat", List.of(w.ints(-1, 1), w.dim(logits, -1)), Attribute.of("axis", 0L));
                bias = w.op("Reshape", List.of(perHead, shape));
            }
            String biased = w.op("Add", List.of(logits, bias));
            // the copy's Softmax (the structure's nodes belong to the analyzed, unchanged model)
            Node softmax = g.node(a.softmax().name()).orElseThrow();
            g.setNodeInput(softmax, 0, biased);
        }
    }
}
