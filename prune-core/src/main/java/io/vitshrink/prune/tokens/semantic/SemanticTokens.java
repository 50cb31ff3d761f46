package io.vitshrink.prune.tokens.semantic;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.tokens.OpWriter;
import io.vitshrink.prune.tokens.tome.TokenMerging;
import java.util.List;

/**
 * Training-free semantic tokens in the spirit of STViT (Wu et al., "Making Vision Transformers
 * Efficient from A Token Sparsification View", CVPR 2023), after a block's attention: the image tokens
 * are replaced by {@code k = rows × cols} semantic tokens, each initialized as the average of one cell
 * of an adaptive spatial pooling of the patch grid, then refined by one parameter-free attention step
 * over the image tokens (query = the pooled token, keys = values = the image tokens, cosine similarity
 * times {@link #TEMPERATURE}, a sharp step); the rest of the network runs on the class token and the semantic tokens.
 * Each semantic token counts as {@code patches / k} patches in later attentions (proportional
 * attention, as ToMe's sizes). Ops: Slice, MatMul (pooling as a constant matrix), ReduceSum, Sqrt,
 * Div, Mul, Softmax, Concat. {@link SemanticTokensReference} computes the same in Java.
 */
public final class SemanticTokens {
    /**
     * Sharpness of the refinement's cosine attention (cosines lie in [-1, 1]). Measured on DeiT-Tiny
     * (semantic 3:100, 64 calibration images, top-1 agreement with float): pooling alone 0.52,
     * temperature 10 0.30, 30 0.73, 100 0.81, 300 0.84, 1000 0.84. Without training, averages of many
     * tokens are out of distribution for the later blocks; a sharp step pulls each pooled token to
     * the image tokens nearest to it.
     */
    public static final float TEMPERATURE = 300f;

    private SemanticTokens() {
    }

    /** Writes the semantic tokens after {@code x [B, 1 + grid², D]}; returns them with their sizes. */
    public static TokenMerging.State write(OpWriter w, TransformerBlock block, String x, int k, int tokensIn) {
        int patches = tokensIn - 1;
        int grid = (int) Math.round(Math.sqrt(patches));
        if (grid * grid != patches) {
            throw new UserException("semantic tokens need a square patch grid at block " + block.index() + ", not "
                    + patches + " patch tokens (reduce at one depth only)");
        }
        int[] rc = gridOf(k);
        String img = w.slice(x, 1, 1, Long.MAX_VALUE); // [B, P, D]
        float[] pool = poolingMatrix(grid, rc[0], rc[1]);
        String init = w.op("MatMul", List.of(w.constant(Tensor.ofFloats("", new long[] {k, patches}, pool)), img)); // [B, k, D]
        String q = normalized(w, init);
        String keys = normalized(w, img);
        String scores = w.op("MatMul", List.of(q, w.op("Transpose", List.of(keys), Attribute.ofInts("perm", 0, 2, 1))));
        String probs = w.op("Softmax", List.of(w.op("Mul", List.of(scores, w.float0(TEMPERATURE)))), Attribute.of("axis", -1L));
        String semantic = w.op("MatMul", List.of(probs, img)); // [B, k, D]
        String tokens = w.op("Concat", List.of(w.slice(x, 1, 0, 1), semantic), Attribute.of("axis", 1L));
        float[] sizes = new float[k + 1];
        java.util.Arrays.fill(sizes, (float) patches / k);
        sizes[0] = 1f;
        // per image (batch-shaped), so that layouts folding heads into the batch can repeat it per head
        String size = w.op("Expand", List.of(w.constant(Tensor.ofFloats("", new long[] {1, k + 1, 1}, sizes)),
                w.op("Concat", List.of(w.dim(x, 0), w.ints(1, 1)), Attribute.of("axis", 0L))));
        List<TokenMerging.State> history = new java.util.ArrayList<>();
        TokenMerging.State state = new TokenMerging.State(tokens, size, block.index(), history);
        history.add(state);
        return state;
    }

    private static String normalized(OpWriter w, String t) {
        String norm = w.op("Sqrt", List.of(w.reduceSum(w.op("Mul", List.of(t, t)), true, 2)));
        return w.op("Div", List.of(t, norm));
    }

    /** The most square {@code rows × cols = k} with {@code rows ≤ cols}. */
    public static int[] gridOf(int k) {
        int rows = (int) Math.floor(Math.sqrt(k));
        while (k % rows != 0) {
            rows--;
        }
        return new int[] {rows, k / rows};
    }

    /**
     * Adaptive average pooling of a {@code grid × grid} patch grid (row-major) to {@code rows × cols}
     * cells, as a {@code [rows·cols, grid²]} matrix; cell bounds as PyTorch's adaptive pooling:
     * {@code [floor(i·g/n), ceil((i+1)·g/n))}.
     */
    public static float[] poolingMatrix(int grid, int rows, int cols) {
        float[] m = new float[rows * cols * grid * grid];
        for (int r = 0; r < rows; r++) {
            int r0 = r * grid / rows;
            int r1 = -Math.floorDiv(-(r + 1) * grid, rows);
            for (int c = 0; c < cols; c++) {
                int c0 = c * grid / cols;
                int c1 = -Math.floorDiv(-(c + 1) * grid, cols);
                float share = 1f / ((r1 - r0) * (c1 - c0));
                for (int i = r0; i < r1; i++) {
                    for (int j = c0; j < c1; j++) {
                        m[(r * cols + c) * grid * grid + i * grid + j] = share;
                    }
                }
            }
        }
        return m;
    }
}
