package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * The attention sub-block {@code proj(softmax(s·QKᵀ)·V)} of one image batch: {@code x} is
 * {@code [images, tokens, in]}, q/k/v/proj weights are stored {@code [in, out]}, heads split the
 * q/k/v features as {@code [heads, headDim]}. Parameters: q_w, q_b, k_w, k_b, v_w, v_b, proj_w,
 * proj_b (with a prefix inside a {@link WindowGraph}). The Softmax backward is dS = P ⊙ (dP − Σ_j dP·P).
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
        Pass pass = forward(w, SubBlockGraph.X, "", in, heads, headDim, out, scale);
        String dy = w.lossAndOutputGradient(pass.y());
        if (gradients) {
            pass.backward(dy, false);
        }
        return w.build();
    }

    /** Writes the forward pass on {@code x}; its parameters are declared as {@code prefix + "q_w"} and so on. */
    static Pass forward(SubBlockGraph.Writer w, String x, String prefix, int in, int heads, int headDim, int out, float scale) {
        OpWriter o = w.ops;
        int width = heads * headDim;
        String[] names = {"q", "k", "v"};
        String[] weights = new String[3];
        String[] biases = new String[3];
        String[] split = new String[3];
        for (int i = 0; i < 3; i++) {
            weights[i] = w.parameter(prefix + names[i] + "_w", in, width);
            biases[i] = w.parameter(prefix + names[i] + "_b", width);
        }
        String wp = w.parameter(prefix + "proj_w", width, out);
        String bp = w.parameter(prefix + "proj_b", out);
        String headShape = o.ints(0, 0, heads, headDim);
        for (int i = 0; i < 3; i++) {
            String lin = o.op("Add", List.of(o.op("MatMul", List.of(x, weights[i])), biases[i]));
            split[i] = o.op("Transpose", List.of(o.op("Reshape", List.of(lin, headShape))), HEADS_FIRST);
        }
        String s = o.float0(scale);
        String scores = o.op("Mul", List.of(o.op("MatMul", List.of(split[0], o.op("Transpose", List.of(split[1]), SWAP_LAST))), s));
        String p = o.op("Softmax", List.of(scores), Attribute.of("axis", -1L));
        String ctxHeads = o.op("MatMul", List.of(p, split[2]));
        String ctx = o.op("Reshape", List.of(o.op("Transpose", List.of(ctxHeads), HEADS_FIRST), o.ints(0, 0, width)));
        String y = o.op("Add", List.of(o.op("MatMul", List.of(ctx, wp)), bp));
        return new Pass(w, x, y, in, width, out, headShape, s, weights, biases, split, p, ctx, wp, bp);
    }

    /** One written forward pass and what its backward pass reads. */
    record Pass(SubBlockGraph.Writer w, String x, String y, int in, int width, int out, String headShape, String scale,
            String[] weights, String[] biases, String[] split, String probabilities, String context, String projWeight,
            String projBias) {

        /**
         * Writes the parameter gradients for the output gradient {@code dy} ({@code [images, tokens, out]});
         * returns the gradient of {@code x} when {@code inputGradient}, else null.
         */
        String backward(String dy, boolean inputGradient) {
            OpWriter o = w.ops;
            String p = probabilities;
            w.linearGradients(projWeight, projBias, w.rows(context, width), w.rows(dy, out));
            String dctx = o.op("MatMul", List.of(dy, w.transpose2(projWeight)));
            String dctxHeads = o.op("Transpose", List.of(o.op("Reshape", List.of(dctx, headShape))), HEADS_FIRST);
            String dp = o.op("MatMul", List.of(dctxHeads, o.op("Transpose", List.of(split[2]), SWAP_LAST)));
            String dv = o.op("MatMul", List.of(o.op("Transpose", List.of(p), SWAP_LAST), dctxHeads));
            String rowDot = o.reduceSum(o.op("Mul", List.of(dp, p)), true, -1);
            String dscores = o.op("Mul", List.of(o.op("Mul", List.of(p, o.op("Sub", List.of(dp, rowDot)))), scale));
            String dq = o.op("MatMul", List.of(dscores, split[1]));
            String dk = o.op("MatMul", List.of(o.op("Transpose", List.of(dscores), SWAP_LAST), split[0]));
            String x2 = w.rows(x, in);
            String[] dHeads = {dq, dk, dv};
            String dx = null;
            for (int i = 0; i < 3; i++) {
                String dLinear = o.op("Transpose", List.of(dHeads[i]), HEADS_FIRST); // [images, tokens, heads, headDim]
                w.linearGradients(weights[i], biases[i], x2, w.rows(dLinear, width));
                if (inputGradient) {
                    String part = o.op("MatMul", List.of(o.op("Reshape", List.of(dLinear, o.ints(0, 0, width))),
                            w.transpose2(weights[i])));
                    dx = dx == null ? part : o.op("Add", List.of(dx, part));
                }
            }
            return dx;
        }
    }
}
