package io.vitshrink.onnx.testkit;

import static io.vitshrink.onnx.testkit.ExportGraph.dims;

import io.vitshrink.onnx.model.Attribute;
import java.util.List;

/**
 * Writes a small hierarchical Swin-like model in the idiom of timm's {@code SwinTransformer} (0.9,
 * channels-last) exported by torch without constant folding of buffers: NHWC patch embedding with a
 * norm, two stages of non-shifted window attention (window partition and reverse by Reshape and
 * Transpose, q/k/v by Split and Squeeze, relative position bias Gathered from the bias table by the
 * {@code relative_position_index} buffer and Added to the scores), a patch-merging norm and Linear
 * opening the second stage, and a mean-pooled head. Batch-dependent dimensions are {@code -1} in
 * constant shapes.
 */
final class SwinLikeExport {
    private SwinLikeExport() {
    }

    static void write(ExportGraph g, TinyVitConfig c, SwinWeights w, String input, String output) {
        int p = c.patchSize();
        int d0 = c.stageWidth(0);
        float eps = c.layerNormEpsilon();
        g.weight("patch_embed.proj.weight", dims(d0, c.channels(), p, p), w.patchWeight);
        g.weight("patch_embed.proj.bias", dims(d0), w.patchBias);
        String x = g.op("/patch_embed/proj", "Conv", List.of(input, "patch_embed.proj.weight", "patch_embed.proj.bias"),
                Attribute.ofInts("dilations", 1, 1), Attribute.of("group", 1L), Attribute.ofInts("kernel_shape", p, p),
                Attribute.ofInts("pads", 0, 0, 0, 0), Attribute.ofInts("strides", p, p));
        x = g.transpose("/patch_embed", x, 0, 2, 3, 1);
        x = Layers.layerNorm(g, "/patch_embed/norm", x, "patch_embed.norm.weight", w.patchNormWeight,
                "patch_embed.norm.bias", w.patchNormBias, eps);

        long[] index = relativePositionIndex(c.windowSize());
        for (int s = 0; s < 2; s++) {
            String st = "/layers/layers." + s;
            String sp = "layers." + s + ".";
            if (s == 1) {
                x = patchMerging(g, c, w, st + "/downsample", sp + "downsample.", x);
            }
            for (int i = 0; i < c.depth(); i++) {
                x = block(g, c, w.stages[s][i], s, st + "/blocks/blocks." + i, sp + "blocks." + i + ".", x, index);
            }
        }
        int dl = c.stageWidth(1);
        x = Layers.layerNorm(g, "/norm", x, "norm.weight", w.normWeight, "norm.bias", w.normBias, eps);
        x = g.reduceMean("/head/global_pool", x, false, 1, 2);
        Layers.gemm(g, "/head/fc", x, "head.fc.weight", w.headWeight, c.numClasses(), dl, "head.fc.bias",
                w.headBias, output);
    }

    /**
     * timm's {@code get_relative_position_index}: for tokens i, j of a window (row-major),
     * {@code (yi - yj + w - 1) * (2w - 1) + (xi - xj + w - 1)}.
     */
    static long[] relativePositionIndex(int window) {
        int n = window * window;
        long[] index = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / window - j / window + window - 1;
                int dx = i % window - j % window + window - 1;
                index[i * n + j] = (long) dy * (2 * window - 1) + dx;
            }
        }
        return index;
    }

    private static String block(ExportGraph g, TinyVitConfig c, SwinWeights.Block b, int stage, String s, String pf,
            String x, long[] index) {
        int d = c.stageWidth(stage);
        int heads = c.stageHeads(stage);
        int hd = d / heads;
        int grid = c.stageGrid(stage);
        int ws = c.windowSize();
        int n = ws * ws;
        int m = (int) Math.round(d * c.mlpRatio());
        float eps = c.layerNormEpsilon();

        String y = Layers.layerNorm(g, s + "/norm1", x, pf + "norm1.weight", b.norm1Weight, pf + "norm1.bias",
                b.norm1Bias, eps);
        // window_partition: view(B, H/ws, ws, W/ws, ws, C).permute(0, 1, 3, 2, 4, 5).view(-1, ws*ws, C)
        y = g.reshape(s, y, g.ints(s, -1, grid / ws, ws, grid / ws, ws, d));
        y = g.transpose(s, y, 0, 1, 3, 2, 4, 5);
        y = g.reshape(s, y, g.ints(s, -1, n, d));

        String a = s + "/attn";
        String qkv = Layers.linear(g, a + "/qkv", y, b.qkvWeight, 3 * d, d, pf + "attn.qkv.bias", b.qkvBias);
        qkv = g.reshape(a, qkv, g.ints(a, -1, n, 3, heads, hd));
        qkv = g.transpose(a, qkv, 2, 0, 3, 1, 4);
        List<String> parts = g.ops(a, "Split", 3, List.of(qkv, g.ints(a, 1, 1, 1)), Attribute.of("axis", 0L));
        String q = g.op(a, "Squeeze", List.of(parts.get(0), g.ints(a, 0)));
        String k = g.op(a, "Squeeze", List.of(parts.get(1), g.ints(a, 0)));
        String v = g.op(a, "Squeeze", List.of(parts.get(2), g.ints(a, 0)));
        q = g.op(a, "Mul", List.of(q, g.float0(a, (float) (1.0 / Math.sqrt(hd)))));
        String scores = g.op(a, "MatMul", List.of(q, g.transpose(a, k, 0, 1, 3, 2)));
        // relative_position_bias_table[relative_position_index.view(-1)].view(N, N, -1).permute(2, 0, 1).unsqueeze(0)
        int rows = (2 * ws - 1) * (2 * ws - 1);
        String table = g.weight(pf + "attn.relative_position_bias_table", dims(rows, heads), b.biasTable);
        String idx = g.longs(pf + "attn.relative_position_index", dims(n, n), index);
        String bias = g.op(a, "Gather", List.of(table, g.reshape(a, idx, g.ints(a, -1))), Attribute.of("axis", 0L));
        bias = g.reshape(a, bias, g.ints(a, n, n, -1));
        bias = g.transpose(a, bias, 2, 0, 1);
        bias = g.op(a, "Unsqueeze", List.of(bias, g.ints(a, 0)));
        scores = g.op(a, "Add", List.of(scores, bias));
        String probs = g.op(a, "Softmax", List.of(scores), Attribute.of("axis", -1L));
        String ctx = g.op(a, "MatMul", List.of(probs, v));
        ctx = g.transpose(a, ctx, 0, 2, 1, 3);
        ctx = g.reshape(a, ctx, g.ints(a, -1, n, d));
        ctx = Layers.linear(g, a + "/proj", ctx, b.projWeight, d, d, pf + "attn.proj.bias", b.projBias);
        // window_reverse: view(-1, H/ws, W/ws, ws, ws, C).permute(0, 1, 3, 2, 4, 5).view(-1, H, W, C)
        ctx = g.reshape(s, ctx, g.ints(s, -1, grid / ws, grid / ws, ws, ws, d));
        ctx = g.transpose(s, ctx, 0, 1, 3, 2, 4, 5);
        ctx = g.reshape(s, ctx, g.ints(s, -1, grid, grid, d));
        x = g.op(s, "Add", List.of(x, ctx));

        x = g.reshape(s, x, g.ints(s, -1, (long) grid * grid, d));
        y = Layers.layerNorm(g, s + "/norm2", x, pf + "norm2.weight", b.norm2Weight, pf + "norm2.bias", b.norm2Bias, eps);
        String mlp = s + "/mlp";
        y = Layers.linear(g, mlp + "/fc1", y, b.fc1Weight, m, d, pf + "mlp.fc1.bias", b.fc1Bias);
        y = Layers.gelu(g, c.gelu() == GeluForm.GELU_OP ? mlp + "/act" : mlp, y, c.gelu(), false);
        y = Layers.linear(g, mlp + "/fc2", y, b.fc2Weight, d, m, pf + "mlp.fc2.bias", b.fc2Bias);
        x = g.op(s, "Add", List.of(x, y));
        return g.reshape(s, x, g.ints(s, -1, grid, grid, d));
    }

    /**
     * timm's {@code PatchMerging}: {@code reshape(B, H/2, 2, W/2, 2, C).permute(0, 1, 3, 4, 2, 5)
     * .flatten(3)}, norm over 4C, then the bias-free reduction Linear to 2C.
     */
    private static String patchMerging(ExportGraph g, TinyVitConfig c, SwinWeights w, String s, String pf, String x) {
        int d = c.stageWidth(0);
        int half = c.stageGrid(1);
        x = g.reshape(s, x, g.ints(s, -1, half, 2, half, 2, d));
        x = g.transpose(s, x, 0, 1, 3, 4, 2, 5);
        x = g.reshape(s, x, g.ints(s, -1, half, half, 4L * d));
        x = Layers.layerNorm(g, s + "/norm", x, pf + "norm.weight", w.mergeNormWeight, pf + "norm.bias",
                w.mergeNormBias, c.layerNormEpsilon());
        String reduction = g.anonymousWeight(dims(4L * d, 2L * d), ExportGraph.transposed(w.mergeReduction, 2 * d, 4 * d));
        return g.op(s + "/reduction", "MatMul", List.of(x, reduction));
    }
}
