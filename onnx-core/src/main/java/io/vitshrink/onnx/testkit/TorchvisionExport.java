package io.vitshrink.onnx.testkit;

import static io.vitshrink.onnx.testkit.ExportGraph.dims;

import io.vitshrink.onnx.model.Attribute;
import java.util.List;

/**
 * Writes a plain ViT as PyTorch 1.13's exporter writes torchvision's {@code VisionTransformer}, whose
 * blocks use {@code nn.MultiheadAttention(batch_first=True)}: the input goes to {@code [N, B, D]},
 * {@code in_proj} is one Linear chunked into q, k, v (Split), each is viewed as
 * {@code [N, B*H, d]} and transposed to {@code [B*H, N, d]} through shapes computed at run time, q is
 * divided by sqrt(d) before {@code bmm(q, k^T)} ({@code _scaled_dot_product_attention}), and
 * {@code out_proj} runs as Gemm on {@code [N*B, D]}.
 */
final class TorchvisionExport {
    private TorchvisionExport() {
    }

    static void write(ExportGraph g, TinyVitConfig c, VitWeights w, String input, String output) {
        int d = c.width();
        int p = c.patchSize();
        g.weight("class_token", dims(1, 1, d), w.classToken);
        g.weight("conv_proj.weight", dims(d, c.channels(), p, p), w.patchWeight);
        g.weight("conv_proj.bias", dims(d), w.patchBias);
        g.weight("encoder.pos_embedding", dims(1, c.tokens(), d), w.positionEmbedding);

        // _process_input: n, c, h, w = x.shape; conv_proj; reshape(n, hidden, n_h * n_w); permute(0, 2, 1)
        String n = g.dim("", input, 0);
        String x = g.op("/conv_proj", "Conv", List.of(input, "conv_proj.weight", "conv_proj.bias"),
                Attribute.ofInts("dilations", 1, 1), Attribute.of("group", 1L), Attribute.ofInts("kernel_shape", p, p),
                Attribute.ofInts("pads", 0, 0, 0, 0), Attribute.ofInts("strides", p, p));
        String shape = g.op("", "Concat", List.of(g.unsqueeze0("", n), g.ints("", d), g.ints("", c.patches())),
                Attribute.of("axis", 0L));
        x = g.reshape("", x, shape);
        x = g.transpose("", x, 0, 2, 1);
        String cls = Layers.expandToBatch(g, "", "class_token", x);
        x = g.op("", "Concat", List.of(cls, x), Attribute.of("axis", 1L));
        x = g.op("/encoder", "Add", List.of(x, "encoder.pos_embedding"));

        for (int i = 0; i < c.depth(); i++) {
            x = encoderBlock(g, c, w.blocks[i], i, x);
        }
        x = Layers.layerNorm(g, "/encoder/ln", x, "encoder.ln.weight", w.normWeight, "encoder.ln.bias", w.normBias,
                c.layerNormEpsilon());
        x = g.op("", "Gather", List.of(x, g.int0("", 0)), Attribute.of("axis", 1L));
        Layers.gemm(g, "/heads/head", x, "heads.head.weight", w.headWeight, c.numClasses(), d,
                "heads.head.bias", w.headBias, output);
    }

    private static String encoderBlock(ExportGraph g, TinyVitConfig c, VitWeights.Block b, int i, String input) {
        int d = c.width();
        int m = c.mlpHidden();
        String s = "/encoder/layers/encoder_layer_" + i;
        String pf = "encoder.layers.encoder_layer_" + i + ".";
        String y = Layers.layerNorm(g, s + "/ln_1", input, pf + "ln_1.weight", b.norm1Weight, pf + "ln_1.bias",
                b.norm1Bias, c.layerNormEpsilon());
        String attn = selfAttention(g, c, b, s + "/self_attention", pf + "self_attention.", y);
        String x = g.op(s, "Add", List.of(attn, input));

        y = Layers.layerNorm(g, s + "/ln_2", x, pf + "ln_2.weight", b.norm2Weight, pf + "ln_2.bias", b.norm2Bias,
                c.layerNormEpsilon());
        String mlp = s + "/mlp";
        y = Layers.linear(g, mlp + "/mlp.0", y, b.fc1Weight, m, d, pf + "mlp.0.bias", b.fc1Bias);
        y = Layers.gelu(g, c.gelu() == GeluForm.GELU_OP ? mlp + "/mlp.1" : mlp, y, c.gelu(), false);
        y = Layers.linear(g, mlp + "/mlp.3", y, b.fc2Weight, d, m, pf + "mlp.3.bias", b.fc2Bias);
        return g.op(s, "Add", List.of(x, y));
    }

    private static String selfAttention(ExportGraph g, TinyVitConfig c, VitWeights.Block b, String a, String pf,
            String x) {
        int d = c.width();
        int hd = c.headDim();
        // batch_first: query = key = value = query.transpose(1, 0)
        String query = g.transpose(a, x, 1, 0, 2);
        String tgtLen = g.dim(a, query, 0);
        String bsz = g.dim(a, query, 1);
        // _in_projection_packed: linear(q, w, b).chunk(3, dim=-1)
        String packed = Layers.linear(g, a, query, b.qkvWeight, 3 * d, d, pf + "in_proj_bias", b.qkvBias);
        List<String> qkv = g.ops(a, "Split", 3, List.of(packed, g.ints(a, d, d, d)), Attribute.of("axis", -1L));
        String bh = g.op(a, "Mul", List.of(bsz, g.int0(a, c.heads())));
        String q = toHeads(g, a, qkv.get(0), tgtLen, bh, hd);
        String k = toHeads(g, a, qkv.get(1), g.dim(a, qkv.get(1), 0), bh, hd);
        String v = toHeads(g, a, qkv.get(2), g.dim(a, qkv.get(2), 0), bh, hd);
        // _scaled_dot_product_attention: q = q / math.sqrt(E); bmm(q, k.transpose(-2, -1)); softmax; bmm(attn, v)
        q = g.op(a, "Div", List.of(q, g.float0(a, (float) Math.sqrt(hd))));
        String scores = g.op(a, "MatMul", List.of(q, g.transpose(a, k, 0, 2, 1)));
        String probs = g.op(a, "Softmax", List.of(scores), Attribute.of("axis", -1L));
        String out = g.op(a, "MatMul", List.of(probs, v));
        // attn_output.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim); out_proj; view(tgt_len, bsz, E)
        out = g.transpose(a, out, 1, 0, 2);
        String rows = g.op(a, "Mul", List.of(tgtLen, bsz));
        out = g.reshape(a, out, g.op(a, "Concat", List.of(g.unsqueeze0(a, rows), g.ints(a, d)), Attribute.of("axis", 0L)));
        out = Layers.gemm(g, a, out, pf + "out_proj.weight", b.projWeight, d, d, pf + "out_proj.bias", b.projBias, null);
        String back = g.op(a, "Concat", List.of(g.unsqueeze0(a, tgtLen), g.unsqueeze0(a, bsz), g.ints(a, d)),
                Attribute.of("axis", 0L));
        out = g.reshape(a, out, back);
        return g.transpose(a, out, 1, 0, 2);
    }

    /** {@code t.contiguous().view(len, bsz * num_heads, head_dim).transpose(0, 1)}. */
    private static String toHeads(ExportGraph g, String a, String t, String len, String bh, int hd) {
        String shape = g.op(a, "Concat", List.of(g.unsqueeze0(a, len), g.unsqueeze0(a, bh), g.ints(a, hd)),
                Attribute.of("axis", 0L));
        return g.transpose(a, g.reshape(a, t, shape), 1, 0, 2);
    }
}
