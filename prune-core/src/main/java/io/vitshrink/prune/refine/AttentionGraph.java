package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * The attention sub-block {@code proj(softmax(s·QKᵀ)·V)} of one image batch: {@code x} is
 * {@code [images, tokens, in]}, q/k/v/proj weights are stored {@code [in, out]}, heads split the
 * q/k/v features as {@code [heads, headDim]}. Parameters: q_w, q_b, k_w, k_b, v_w, v_b, proj_w,
 * proj_b. The Softmax backward is dS = P ⊙ (dP − Σ_j dP·P).
 */
public final class AttentionGraph {
    private static final Attribute HEADS_FIRST = Attribute.ofInts("perm", 0, 2, 1, 3);
    private static final Attribute SWAP_LAST = Attribute.ofInts("perm", 0, 1, 3, 2);

    private AttentionGraph() {
    }

    /**
     * @param scale the factor on the scores, usually 1/√headDim
     */
    public static SubBlockGraph build(int in, int heads, int headDim, int out, float scale, boolean gradients) {
        SubBlockGraph.Writer w = new SubBlockGraph.Writer(3, 3);
        OpWriter o = w.ops;
        int width = heads * headDim;
        String[] names = {"q", "k", "v"};
        String[] weights = new String[3];
        String[] biases = new String[3];
        String[] split = new String[3];
        for (int i = 0; i < 3; i++) {
            weights[i] = w.parameter(names[i] + "_w", in, width);
            biases[i] = w.parameter(names[i] + "_b", width);
        }
        String wp = w.parameter("proj_w", width, out);
        String bp = w.parameter("proj_b", out);
        String headShape = o.ints(0, 0, heads, headDim);
        for (int i = 0; i < 3; i++) {
            String lin = o.op("Add", List.of(o.op("MatMul", List.of(SubBlockGraph.X, weights[i])), biases[i]));
            split[i] = o.op("Transpose", List.of(o.op("Reshape", List.of(lin, headShape))), HEADS_FIRST);
        }
        String s = o.float0(scale);
        String scores = o.op("Mul", List.of(o.op("MatMul", List.of(split[0], o.op("Transpose", List.of(split[1]), SWAP_LAST))), s));
        String p = o.op("Softmax", List.of(scores), Attribute.of("axis", -1L));
        String ctxHeads = o.op("MatMul", List.of(p, split[2]));
        String ctx = o.op("Reshape", List.of(o.op("Transpose", List.of(ctxHeads), HEADS_FIRST), o.ints(0, 0, width)));
        String y = o.op("Add", List.of(o.op("MatMul", List.of(ctx, wp)), bp));
        String dy = w.lossAndOutputGradient(y);
        if (!gradients) {
            return w.build();
        }
        w.linearGradients(wp, bp, w.rows(ctx, width), w.rows(dy, out));
        String dctx = o.op("MatMul", List.of(dy, w.transpose2(wp)));
        String dctxHeads = o.op("Transpose", List.of(o.op("Reshape", List.of(dctx, headShape))), HEADS_FIRST);
        String dp = o.op("MatMul", List.of(dctxHeads, o.op("Transpose", List.of(split[2]), SWAP_LAST)));
        String dv = o.op("MatMul", List.of(o.op("Transpose", List.of(p), SWAP_LAST), dctxHeads));
        String rowDot = o.reduceSum(o.op("Mul", List.of(dp, p)), true, -1);
        String dscores = o.op("Mul", List.of(o.op("Mul", List.of(p, o.op("Sub", List.of(dp, rowDot)))), s));
        String dq = o.op("MatMul", List.of(dscores, split[1]));
        String dk = o.op("MatMul", List.of(o.op("Transpose", List.of(dscores), SWAP_LAST), split[0]));
        String x2 = w.rows(SubBlockGraph.X, in);
        String[] dHeads = {dq, dk, dv};
        for (int i = 0; i < 3; i++) {
            String d2 = w.rows(o.op("Transpose", List.of(dHeads[i]), HEADS_FIRST), width);
            w.linearGradients(weights[i], biases[i], x2, d2);
        }
        return w.build();
    }
}
