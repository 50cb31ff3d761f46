package io.vitshrink.onnx.testkit;

import static io.vitshrink.onnx.testkit.ExportGraph.dims;
import static io.vitshrink.onnx.testkit.ExportGraph.rows;
import static io.vitshrink.onnx.testkit.ExportGraph.slice;

import io.vitshrink.onnx.model.Attribute;
import java.util.List;

/**
 * Writes a plain ViT as {@code torch.onnx.export} writes Hugging Face transformers'
 * {@code ViTForImageClassification} (eager attention): separate query/key/value Linears,
 * {@code transpose_for_scores} reshapes built from the input's dynamic shape, scores divided by
 * sqrt(head size) after the product, and a classifier on {@code sequence_output[:, 0, :]}.
 */
final class HuggingFaceExport {
    private HuggingFaceExport() {
    }

    static void write(ExportGraph g, TinyVitConfig c, VitWeights w, String input, String output) {
        int d = c.width();
        int m = c.mlpHidden();
        int p = c.patchSize();
        float eps = c.layerNormEpsilon();
        String emb = "/vit/embeddings";
        String pe = emb + "/patch_embeddings";
        g.weight("vit.embeddings.cls_token", dims(1, 1, d), w.classToken);
        g.weight("vit.embeddings.position_embeddings", dims(1, c.tokens(), d), w.positionEmbedding);
        g.weight("vit.embeddings.patch_embeddings.projection.weight", dims(d, c.channels(), p, p), w.patchWeight);
        g.weight("vit.embeddings.patch_embeddings.projection.bias", dims(d), w.patchBias);
        String x = g.op(pe + "/projection", "Conv", List.of(input, "vit.embeddings.patch_embeddings.projection.weight",
                "vit.embeddings.patch_embeddings.projection.bias"),
                Attribute.ofInts("dilations", 1, 1), Attribute.of("group", 1L), Attribute.ofInts("kernel_shape", p, p),
                Attribute.ofInts("pads", 0, 0, 0, 0), Attribute.ofInts("strides", p, p));
        // .flatten(2): Shape, Slice [0:2], Concat with -1, Reshape
        String shape = g.op(pe, "Shape", List.of(x));
        String lead = g.op(pe, "Slice", List.of(shape, g.ints(pe, 0), g.ints(pe, 2), g.ints(pe, 0)));
        String flat = g.op(pe, "Concat", List.of(lead, g.ints(pe, -1)), Attribute.of("axis", 0L));
        x = g.reshape(pe, x, flat);
        x = g.transpose(pe, x, 0, 2, 1);
        String cls = Layers.expandToBatch(g, emb, "vit.embeddings.cls_token", x);
        x = g.op(emb, "Concat", List.of(cls, x), Attribute.of("axis", 1L));
        x = g.op(emb, "Add", List.of(x, "vit.embeddings.position_embeddings"));

        for (int i = 0; i < c.depth(); i++) {
            x = layer(g, c, w.blocks[i], i, x, d, m, eps);
        }
        x = Layers.layerNorm(g, "/vit/layernorm", x, "vit.layernorm.weight", w.normWeight,
                "vit.layernorm.bias", w.normBias, eps);
        // sequence_output[:, 0, :]: the full slice of the batch axis, then select token 0
        x = g.op("", "Slice", List.of(x, g.ints("", 0), g.ints("", Long.MAX_VALUE), g.ints("", 0), g.ints("", 1)));
        x = g.op("", "Gather", List.of(x, g.int0("", 0)), Attribute.of("axis", 1L));
        Layers.gemm(g, "/classifier", x, "classifier.weight", w.headWeight, c.numClasses(), d,
                "classifier.bias", w.headBias, output);
    }

    private static String layer(ExportGraph g, TinyVitConfig c, VitWeights.Block b, int i, String x, int d, int m,
            float eps) {
        String s = "/vit/encoder/layer." + i;
        String pf = "vit.encoder.layer." + i + ".";
        String y = Layers.layerNorm(g, s + "/layernorm_before", x, pf + "layernorm_before.weight", b.norm1Weight,
                pf + "layernorm_before.bias", b.norm1Bias, eps);
        String a = s + "/attention/attention";
        String ap = pf + "attention.attention.";
        String q = Layers.linear(g, a + "/query", y, rows(b.qkvWeight, d, 0, d), d, d,
                ap + "query.bias", slice(b.qkvBias, 0, d));
        String k = transposeForScores(g, a, c, Layers.linear(g, a + "/key", y, rows(b.qkvWeight, d, d, d), d, d,
                ap + "key.bias", slice(b.qkvBias, d, d)));
        String v = transposeForScores(g, a, c, Layers.linear(g, a + "/value", y, rows(b.qkvWeight, d, 2 * d, d), d, d,
                ap + "value.bias", slice(b.qkvBias, 2 * d, d)));
        q = transposeForScores(g, a, c, q);
        String kt = g.transpose(a, k, 0, 1, 3, 2);
        String scores = g.op(a, "MatMul", List.of(q, kt));
        scores = g.op(a, "Div", List.of(scores, g.float0(a, (float) Math.sqrt(c.headDim()))));
        String probs = g.op(a, "Softmax", List.of(scores), Attribute.of("axis", -1L));
        String ctx = g.op(a, "MatMul", List.of(probs, v));
        ctx = g.transpose(a, ctx, 0, 2, 1, 3);
        // context_layer.size()[:-2] + (all_head_size,)
        String bsz = g.op(a, "Unsqueeze", List.of(g.dim(a, ctx, 0), g.ints(a, 0)));
        String len = g.op(a, "Unsqueeze", List.of(g.dim(a, ctx, 1), g.ints(a, 0)));
        String shape = g.op(a, "Concat", List.of(bsz, len, g.ints(a, d)), Attribute.of("axis", 0L));
        ctx = g.reshape(a, ctx, shape);
        String o = Layers.linear(g, s + "/attention/output/dense", ctx, b.projWeight, d, d,
                pf + "attention.output.dense.bias", b.projBias);
        x = g.op(s, "Add", List.of(o, x));

        y = Layers.layerNorm(g, s + "/layernorm_after", x, pf + "layernorm_after.weight", b.norm2Weight,
                pf + "layernorm_after.bias", b.norm2Bias, eps);
        y = Layers.linear(g, s + "/intermediate/dense", y, b.fc1Weight, m, d, pf + "intermediate.dense.bias", b.fc1Bias);
        y = Layers.gelu(g, s + "/intermediate/intermediate_act_fn", y, c.gelu(), true);
        y = Layers.linear(g, s + "/output/dense", y, b.fc2Weight, d, m, pf + "output.dense.bias", b.fc2Bias);
        return g.op(s + "/output", "Add", List.of(y, x));
    }

    /** {@code x.view(x.size()[:-1] + (heads, head_size)).permute(0, 2, 1, 3)} with a dynamic shape. */
    private static String transposeForScores(ExportGraph g, String a, TinyVitConfig c, String x) {
        String bsz = g.op(a, "Unsqueeze", List.of(g.dim(a, x, 0), g.ints(a, 0)));
        String len = g.op(a, "Unsqueeze", List.of(g.dim(a, x, 1), g.ints(a, 0)));
        String shape = g.op(a, "Concat", List.of(bsz, len, g.ints(a, c.heads()), g.ints(a, c.headDim())),
                Attribute.of("axis", 0L));
        return g.transpose(a, g.reshape(a, x, shape), 0, 2, 1, 3);
    }
}
