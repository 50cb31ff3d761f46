package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.List;

/**
 * The token count each block's attention sees in a (rewritten) model, read from measured shapes: the
 * key axis of each block's Softmax, found by the node names the rewrite keeps. It works on rewritten
 * graphs the structure recognizer may no longer read as a ViT (ToMe's proportional attention adds a
 * computed bias to the logits).
 */
public final class TokenCounts {
    private TokenCounts() {
    }

    public static int[] perBlock(VitStructure original, ValueShapes shapes) {
        List<TransformerBlock> blocks = original.blocks();
        int[] out = new int[blocks.size()];
        for (int i = 0; i < out.length; i++) {
            long[] s = shapes.of(blocks.get(i).attention().attentionProbs()).orElse(new long[] {0});
            out[i] = (int) s[s.length - 1];
        }
        return out;
    }
}
