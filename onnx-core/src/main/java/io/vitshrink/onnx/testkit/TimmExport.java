package io.vitshrink.onnx.testkit;

import static io.vitshrink.onnx.testkit.ExportGraph.dims;

import io.vitshrink.onnx.model.Attribute;
import java.util.List;

/**
 * Writes a plain ViT as {@code torch.onnx.export} writes timm's {@code VisionTransformer} (DeiT),
 * following the real DeiT-Tiny export in {@code ../shared/models/deit-tiny}.
 */
final class TimmExport {
    private TimmExport() {
    }

    static void write(ExportGraph g, TinyVitConfig c, VitWeights w, String input, String output) {
        int d = c.width();
        int h = c.heads();
        int hd = c.headDim();
        int t = c.tokens();
        int m = c.mlpHidden();
        int p = c.patchSize();
        g.weight("cls_token", dims(1, 1, d), w.classToken);
        g.weight("pos_embed", dims(1, t, d), w.positionEmbedding);
        g.weight("patch_embed.proj.weight", dims(d, c.channels(), p, p), w.patchWeight);
        g.weight("patch_embed.proj.bias", dims(d), w.patchBias);

        String x = g.op("/patch_embed/proj", "Conv", List.of(input, "patch_embed.proj.weight", "patch_embed.proj.bias"),
                Attribute.ofInts("dilations", 1, 1), Attribute.of("group", 1L), Attribute.ofInts("kernel_shape", p, p),
                Attribute.ofInts("pads", 0, 0, 0, 0), Attribute.ofInts("strides", p, p));
        x = g.reshape("/patch_embed", x, g.ints("/patch_embed", -1, d, c.patches()));
        x = g.transpose("/patch_embed", x, 0, 2, 1);
        String cls = Layers.expandToBatch(g, "", "cls_token", x);
        x = g.op("", "Concat", List.of(cls, x), Attribute.of("axis", 1L));
        x = g.op("", "Add", List.of(x, "pos_embed"));
        // Gather indices shared by every block (torch de-duplicates equal constants).
        String[] index = {g.int0("", 0), g.int0("", 1), g.int0("", 2)};

        for (int i = 0; i < c.depth(); i++) {
            VitWeights.Block b = w.blocks[i];
            String s = "/blocks." + i;
            String pf = "blocks." + i + ".";
            String y = Layers.layerNorm(g, s + "/norm1", x, pf + "norm1.weight", b.norm1Weight,
                    pf + "norm1.bias", b.norm1Bias, c.layerNormEpsilon());
            String a = s + "/attn";
            String qkv = Layers.linear(g, a + "/qkv", y, b.qkvWeight, 3 * d, d, pf + "attn.qkv.bias", b.qkvBias);
            String split = g.reshape(a, qkv, g.ints(a, -1, t, 3, h, hd));
            split = g.transpose(a, split, 2, 0, 3, 1, 4);
            String q = g.op(a, "Gather", List.of(split, index[0]), Attribute.of("axis", 0L));
            String k = g.op(a, "Gather", List.of(split, index[1]), Attribute.of("axis", 0L));
            String v = g.op(a, "Gather", List.of(split, index[2]), Attribute.of("axis", 0L));
            q = g.op(a, "Mul", List.of(q, g.float0(a, (float) (1.0 / Math.sqrt(hd)))));
            String kt = g.transpose(a, k, 0, 1, 3, 2);
            String scores = g.op(a, "MatMul", List.of(q, kt));
            String probs = g.op(a, "Softmax", List.of(scores), Attribute.of("axis", -1L));
            String ctx = g.op(a, "MatMul", List.of(probs, v));
            ctx = g.transpose(a, ctx, 0, 2, 1, 3);
            ctx = g.reshape(a, ctx, g.ints(a, -1, t, d));
            String proj = Layers.linear(g, a + "/proj", ctx, b.projWeight, d, d, pf + "attn.proj.bias", b.projBias);
            x = g.op(s, "Add", List.of(x, proj));

            y = Layers.layerNorm(g, s + "/norm2", x, pf + "norm2.weight", b.norm2Weight,
                    pf + "norm2.bias", b.norm2Bias, c.layerNormEpsilon());
            String mlp = s + "/mlp";
            y = Layers.linear(g, mlp + "/fc1", y, b.fc1Weight, m, d, pf + "mlp.fc1.bias", b.fc1Bias);
            y = Layers.gelu(g, c.gelu() == GeluForm.GELU_OP ? mlp + "/act" : mlp, y, c.gelu(), false);
            y = Layers.linear(g, mlp + "/fc2", y, b.fc2Weight, d, m, pf + "mlp.fc2.bias", b.fc2Bias);
            x = g.op(s, "Add", List.of(x, y));
        }
        x = Layers.layerNorm(g, "/norm", x, "norm.weight", w.normWeight, "norm.bias", w.normBias, c.layerNormEpsilon());
        x = g.op("", "Gather", List.of(x, index[0]), Attribute.of("axis", 1L));
        Layers.gemm(g, "/head", x, "head.weight", w.headWeight, c.numClasses(), d, "head.bias", w.headBias, output);
    }
}
