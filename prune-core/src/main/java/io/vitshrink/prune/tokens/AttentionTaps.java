package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.Attention;
import java.util.List;

/**
 * Reads what token methods need out of an attention unit, whichever way the export lays out heads:
 * {@code [B, H, N, N]} (timm, Hugging Face) or {@code [B·H, N, N]} (torchvision's
 * {@code nn.MultiheadAttention}).
 */
public final class AttentionTaps {
    private AttentionTaps() {
    }

    /**
     * The class token's attention to every token, averaged over heads: {@code [B, N]} (column 0 is the
     * class token itself).
     */
    public static String classAttention(OpWriter w, Attention a, ValueShapes shapes) {
        String probs = a.attentionProbs();
        int rank = rank(shapes, probs, a);
        if (rank == 4) {
            String row = w.op("Gather", List.of(probs, w.int0(0)), Attribute.of("axis", 2L)); // [B, H, N]
            return w.reduceMeanOpset(row, 1);
        }
        String row = w.op("Gather", List.of(probs, w.int0(0)), Attribute.of("axis", 1L)); // [B·H, N]
        String shape = w.op("Concat", List.of(w.ints(-1, a.heads()), w.dim(probs, -1)), Attribute.of("axis", 0L));
        String split = w.op("Reshape", List.of(row, shape)); // [B, H, N]
        return w.reduceMeanOpset(split, 1);
    }

    /**
     * The keys averaged over heads, {@code [B, N, d]}: ToMe's similarity metric. Read from the Kᵀ input
     * of the Q·Kᵀ product ({@code [B, H, d, N]} or {@code [B·H, d, N]}).
     */
    public static String meanKeys(OpWriter w, Attention a, ValueShapes shapes) {
        String kt = a.scores().input(1);
        long[] s = shapes.of(kt).orElseThrow(() -> notReadable(a));
        if (s.length == 4) {
            String mean = w.reduceMeanOpset(kt, 1); // [B, d, N]
            return w.op("Transpose", List.of(mean), Attribute.ofInts("perm", 0, 2, 1));
        }
        if (s.length == 3) {
            String shape = w.op("Concat", List.of(w.ints(-1, a.heads(), a.headDim()), w.dim(kt, -1)), Attribute.of("axis", 0L));
            String split = w.op("Reshape", List.of(kt, shape));
            String mean = w.reduceMeanOpset(split, 1);
            return w.op("Transpose", List.of(mean), Attribute.ofInts("perm", 0, 2, 1));
        }
        throw notReadable(a);
    }

    private static int rank(ValueShapes shapes, String value, Attention a) {
        long[] s = shapes.of(value).orElseThrow(() -> notReadable(a));
        if (s.length != 3 && s.length != 4) {
            throw notReadable(a);
        }
        return s.length;
    }

    private static UserException notReadable(Attention a) {
        return new UserException("the attention around '" + a.softmax().name()
                + "' is not laid out as [batch, heads, tokens, tokens] or [batch·heads, tokens, tokens]; "
                + "token reduction cannot read it");
    }
}
