package io.vitshrink.prune.tokens.evit;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.AttentionTaps;
import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * EViT's attentive-token keeping (Liang et al., "Not All Patches Are What You Need", ICLR 2022) as
 * ONNX ops, applied to the residual stream {@code x [B, N, D]} after a block's attention: the image
 * tokens are ranked by the class token's attention averaged over heads, the top {@code keep} stay (in
 * that order), and the others are fused into one token, their average weighted by that attention; the
 * class token always stays first. Output: {@code [B, 1 + keep + 1, D]}.
 *
 * <p>EViT sums the dropped tokens weighted by their raw attention (it is trained with that); without
 * training a weighted <em>average</em> keeps the fused token at the scale of ordinary tokens, which is
 * what this rewrite does. Ops: Gather, ReduceMean, Slice, TopK, GatherElements, ScatterElements (zeroes
 * the kept tokens' weights, so the fused token needs no complement index), MatMul, ReduceSum, Div,
 * Concat. {@link AttentiveTokenKeepingReference} computes the same in Java.
 */
public final class AttentiveTokenKeeping {
    private AttentiveTokenKeeping() {
    }

    /** Writes the keeping after {@code x} (the block's attention residual); returns the reduced value. */
    public static String write(OpWriter w, TransformerBlock block, String x, int keep, long width, ValueShapes shapes) {
        String clsAttn = AttentionTaps.classAttention(w, block.attention(), shapes); // [B, N]
        String imgAttn = w.slice(clsAttn, 1, 1, Long.MAX_VALUE); // [B, N-1]
        List<String> top = w.ops("TopK", 2, List.of(imgAttn, w.ints(keep)), Attribute.of("axis", 1L),
                Attribute.of("largest", 1L), Attribute.of("sorted", 1L));
        String values = top.get(0);
        String indices = top.get(1);
        String img = w.slice(x, 1, 1, Long.MAX_VALUE); // [B, N-1, D]
        String kept = w.op("GatherElements", List.of(img, w.expandIndices(indices, width)), Attribute.of("axis", 1L));
        String zeros = w.op("ConstantOfShape", List.of(w.op("Shape", List.of(values))),
                Attribute.of("value", Tensor.ofFloats("", new long[] {1}, new float[] {0f})));
        String dropped = w.op("ScatterElements", List.of(imgAttn, indices, zeros), Attribute.of("axis", 1L)); // [B, N-1]
        String sum = w.op("MatMul", List.of(w.unsqueeze(dropped, 1), img)); // [B, 1, D]
        String weight = w.unsqueeze(w.reduceSum(dropped, true, 1), 2); // [B, 1, 1]
        String fused = w.op("Div", List.of(sum, weight));
        String cls = w.slice(x, 1, 0, 1);
        return w.op("Concat", List.of(cls, kept, fused), Attribute.of("axis", 1L));
    }
}
