package io.vitshrink.onnx.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Graph shape, naming, determinism and parameter counts of the built models (no ONNX Runtime). */
class TinyVitBuilderTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ExportStyle.class)
    void sameSeedGivesByteIdenticalModels(ExportStyle style) {
        byte[] a = ModelIO.toBytes(TinyVitBuilder.deitLike().style(style).seed(5).build());
        byte[] b = ModelIO.toBytes(TinyVitBuilder.deitLike().style(style).seed(5).build());
        assertThat(a).isEqualTo(b);
    }

    @ParameterizedTest
    @EnumSource(ExportStyle.class)
    void differentSeedGivesDifferentWeightsAndTheSameGraph(ExportStyle style) {
        Graph a = TinyVitBuilder.deitLike().style(style).seed(1).build().graph();
        Graph b = TinyVitBuilder.deitLike().style(style).seed(2).build().graph();
        assertThat(b.initializers().keySet()).containsExactlyElementsOf(a.initializers().keySet());
        assertThat(b.nodes()).extracting(Node::name).containsExactlyElementsOf(a.nodes().stream().map(Node::name).toList());
        for (Map.Entry<String, Tensor> e : a.initializers().entrySet()) {
            if (e.getValue().type() == DataType.FLOAT) {
                assertThat(b.initializers().get(e.getKey()).rawBytes()).as(e.getKey())
                        .isNotEqualTo(e.getValue().rawBytes());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void plainVitParameterCountIsTheVitFormula(ExportStyle style) {
        assertThat(floatParameters(TinyVitBuilder.deitLike().style(style).build())).isEqualTo(vitFormula(3, 8, 32, 16, 2, 128, 10));
        TinyVitBuilder other = TinyVitBuilder.deitLike().style(style).opset(13).depth(3).width(24).heads(3).mlpRatio(2)
                .imageSize(20).patchSize(5).channels(1).classes(4);
        assertThat(floatParameters(other.build())).isEqualTo(vitFormula(1, 5, 24, 16, 3, 48, 4));
        assertThat(other.config().parameterCount()).isEqualTo(vitFormula(1, 5, 24, 16, 3, 48, 4));
    }

    /** Patch conv + cls + pos + blocks × (2 LN + qkv + proj + fc1 + fc2) + final LN + head. */
    private static long vitFormula(long channels, long patch, long d, long patches, long depth, long hidden, long classes) {
        long patchConv = d * channels * patch * patch + d;
        long cls = d;
        long pos = (patches + 1) * d;
        long norms = 2 * (2 * d);
        long qkv = d * 3 * d + 3 * d;
        long proj = d * d + d;
        long fc1 = d * hidden + hidden;
        long fc2 = hidden * d + d;
        long head = d * classes + classes;
        return patchConv + cls + pos + depth * (norms + qkv + proj + fc1 + fc2) + 2 * d + head;
    }

    @Test
    void swinParameterCountIsItsFormula() {
        // two stages (32 and 64 channels, 2 and 4 heads, 2 blocks each), window 2, 16 patches of 8x8x3
        long d0 = 32;
        long d1 = 64;
        long table = 3 * 3;
        long expected = (d0 * 3 * 64 + d0) + 2 * d0
                + 2 * (4 * d0 + 3 * d0 * d0 + 3 * d0 + table * 2 + d0 * d0 + d0 + 4 * d0 * d0 + 4 * d0 + 4 * d0 * d0 + d0)
                + (2 * 4 * d0 + 4 * d0 * 2 * d0)
                + 2 * (4 * d1 + 3 * d1 * d1 + 3 * d1 + table * 4 + d1 * d1 + d1 + 4 * d1 * d1 + 4 * d1 + 4 * d1 * d1 + d1)
                + 2 * d1 + (d1 * 10 + 10);
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(ExportStyle.SWIN_LIKE);
        assertThat(floatParameters(b.build())).isEqualTo(expected);
        assertThat(b.config().parameterCount()).isEqualTo(expected);
    }

    private static long floatParameters(Model m) {
        return m.graph().initializers().values().stream()
                .filter(t -> t.type() == DataType.FLOAT).mapToLong(Tensor::numel).sum();
    }

    @ParameterizedTest
    @EnumSource(ExportStyle.class)
    void declaresPixelValuesAndLogitsWithASymbolicBatch(ExportStyle style) {
        Model m = TinyVitBuilder.deitLike().style(style).build();
        assertThat(m.graph().inputs()).containsExactly(new ValueInfo("pixel_values", DataType.FLOAT,
                List.of(Dim.symbolic("batch"), Dim.of(3), Dim.of(32), Dim.of(32))));
        assertThat(m.graph().outputs()).containsExactly(new ValueInfo("logits", DataType.FLOAT,
                List.of(Dim.symbolic("batch"), Dim.of(10))));
        assertThat(m.opset()).isEqualTo(17);
        assertThat(m.irVersion()).isEqualTo(8);
        assertThat(m.metadata()).containsKey("vitshrink.testkit.config");
        Model fixed = TinyVitBuilder.deitLike().style(style).fixedBatch().build();
        assertThat(fixed.graph().inputs().get(0).shape().get(0)).isEqualTo(Dim.of(1));
    }

    @Test
    void timmWritesTheDeitExportIdiom() {
        Graph g = TinyVitBuilder.deitLike().build().graph();
        assertThat(node(g, "/patch_embed/proj/Conv").intsAttr("strides")).containsExactly(8, 8);
        assertThat(node(g, "/blocks.0/norm1/LayerNormalization").inputs())
                .containsExactly("/Add_output_0", "blocks.0.norm1.weight", "blocks.0.norm1.bias");
        Node qkv = node(g, "/blocks.0/attn/qkv/MatMul");
        assertThat(qkv.input(1)).startsWith("onnx::MatMul_");
        assertThat(g.initializer(qkv.input(1)).orElseThrow().dims()).containsExactly(32, 96);
        assertThat(node(g, "/blocks.0/attn/Transpose").intsAttr("perm")).containsExactly(2, 0, 3, 1, 4);
        assertThat(node(g, "/blocks.0/attn/Gather_2").opType()).isEqualTo("Gather");
        assertThat(node(g, "/blocks.0/attn/Softmax").intAttr("axis", 0)).isEqualTo(-1);
        assertThat(node(g, "/blocks.1/mlp/Erf").opType()).isEqualTo("Erf");
        assertThat(node(g, "/Expand").input(0)).isEqualTo("cls_token");
        assertThat(node(g, "/head/Gemm").intAttr("transB", 0)).isEqualTo(1);
        assertThat(node(g, "/head/Gemm").output(0)).isEqualTo("logits");
        assertThat(g.initializer("head.weight").orElseThrow().dims()).containsExactly(10, 32);
        assertThat(g.initializer("pos_embed").orElseThrow().dims()).containsExactly(1, 17, 32);
    }

    @Test
    void opset13WritesLayerNormDecomposedAsPyTorchDoes() {
        Graph g = TinyVitBuilder.deitLike().opset(13).build().graph();
        assertThat(g.nodes()).noneMatch(n -> n.is("LayerNormalization"));
        String s = "/blocks.0/norm1/";
        assertThat(List.of("ReduceMean", "Sub", "Pow", "ReduceMean_1", "Add", "Sqrt", "Div", "Mul", "Add_1"))
                .allSatisfy(op -> assertThat(g.node(s + op)).as(op).isPresent());
        assertThat(node(g, s + "ReduceMean").intsAttr("axes")).containsExactly(-1);
        assertThat(g.constant(node(g, s + "Pow").input(1)).orElseThrow().toFloats()).containsExactly(2.0f);
        assertThat(g.constant(node(g, s + "Add").input(1)).orElseThrow().toFloats()).containsExactly(1e-6f);
        assertThat(node(g, s + "Mul").input(1)).isEqualTo("blocks.0.norm1.weight");
        assertThat(node(g, s + "Add_1").input(1)).isEqualTo("blocks.0.norm1.bias");
    }

    @Test
    void huggingFaceWritesSeparateProjectionsDynamicReshapesAndDiv() {
        Graph g = TinyVitBuilder.deitLike().style(ExportStyle.HUGGING_FACE).gelu(GeluForm.TANH).build().graph();
        String a = "/vit/encoder/layer.0/attention/attention/";
        assertThat(List.of("query/MatMul", "key/MatMul", "value/MatMul", "Shape", "Gather", "Unsqueeze", "Concat",
                "Reshape", "Transpose", "Div", "Softmax"))
                .allSatisfy(op -> assertThat(g.node(a + op)).as(op).isPresent());
        assertThat(g.nodes()).noneMatch(n -> n.name().startsWith(a) && n.is("Mul"));
        assertThat(g.node("/vit/encoder/layer.1/intermediate/intermediate_act_fn/Tanh")).isPresent();
        assertThat(g.node("/vit/encoder/layer.1/intermediate/intermediate_act_fn/Pow")).isPresent();
        assertThat(g.node("/vit/encoder/layer.0/attention/output/dense/MatMul")).isPresent();
        assertThat(g.node("/Slice")).isPresent();
        assertThat(node(g, "/classifier/Gemm").input(1)).isEqualTo("classifier.weight");
        assertThat(g.initializers()).containsKeys("vit.embeddings.cls_token", "vit.embeddings.position_embeddings",
                "vit.encoder.layer.0.attention.attention.query.bias", "vit.layernorm.weight");
    }

    @Test
    void torchvisionWritesMultiheadAttentionWithInProjSplitAndOutProjGemm() {
        Graph g = TinyVitBuilder.deitLike().style(ExportStyle.TORCHVISION).build().graph();
        String a = "/encoder/layers/encoder_layer_0/self_attention/";
        Node split = node(g, a + "Split");
        assertThat(split.outputs()).hasSize(3);
        assertThat(node(g, a + "MatMul").input(1)).startsWith("onnx::MatMul_");
        assertThat(node(g, a + "Add").input(0)).isEqualTo("encoder.layers.encoder_layer_0.self_attention.in_proj_bias");
        assertThat(node(g, a + "Div").opType()).isEqualTo("Div");
        Node outProj = node(g, a + "Gemm");
        assertThat(outProj.input(1)).isEqualTo("encoder.layers.encoder_layer_0.self_attention.out_proj.weight");
        assertThat(g.nodes().stream().filter(n -> n.name().startsWith(a) && n.is("Transpose")).count())
                .isGreaterThanOrEqualTo(6);
        assertThat(g.node("/encoder/layers/encoder_layer_1/mlp/mlp.0/MatMul")).isPresent();
        assertThat(g.node("/encoder/layers/encoder_layer_1/mlp/mlp.3/MatMul")).isPresent();
        assertThat(node(g, "/heads/head/Gemm").output(0)).isEqualTo("logits");
        assertThat(g.initializers()).containsKeys("class_token", "conv_proj.weight", "encoder.pos_embedding",
                "encoder.ln.weight");
    }

    @Test
    void swinLikeWritesWindowAttentionWithGatheredRelativeBiasAndPatchMerging() {
        Graph g = TinyVitBuilder.deitLike().style(ExportStyle.SWIN_LIKE).build().graph();
        String a = "/layers/layers.1/blocks/blocks.0/attn/";
        Node gather = node(g, a + "Gather");
        assertThat(gather.input(0)).isEqualTo("layers.1.blocks.0.attn.relative_position_bias_table");
        assertThat(g.initializer("layers.1.blocks.0.attn.relative_position_bias_table").orElseThrow().dims())
                .containsExactly(9, 4);
        assertThat(g.initializer("layers.0.blocks.0.attn.relative_position_index").orElseThrow().toLongs())
                .startsWith(4, 3, 1, 0);
        assertThat(node(g, a + "Add").input(1)).isEqualTo(node(g, a + "Unsqueeze").output(0));
        assertThat(g.node("/layers/layers.1/downsample/reduction/MatMul")).isPresent();
        assertThat(g.node("/head/global_pool/ReduceMean")).isPresent();
    }

    @Test
    void geluOperatorIsWrittenAtOpset20() {
        Graph g = TinyVitBuilder.deitLike().opset(20).gelu(GeluForm.GELU_OP).build().graph();
        assertThat(node(g, "/blocks.0/mlp/act/Gelu").stringAttr("approximate", "")).isEqualTo("none");
        assertThat(g.nodes()).noneMatch(n -> n.is("Erf"));
        assertThat(TinyVitBuilder.deitLike().opset(20).gelu(GeluForm.GELU_OP).build().irVersion()).isEqualTo(9);
    }

    @Test
    void geluOperatorBelowOpset20IsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> TinyVitBuilder.deitLike().gelu(GeluForm.GELU_OP).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gelu").hasMessageContaining("opset(20)");
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> TinyVitBuilder.deitLike().heads(3).config()).hasMessageContaining("heads");
        assertThatThrownBy(() -> TinyVitBuilder.deitLike().imageSize(30).config()).hasMessageContaining("imageSize");
        assertThatThrownBy(() -> TinyVitBuilder.deitLike().mlpRatio(0.01).config()).hasMessageContaining("mlpRatio");
        assertThatThrownBy(() -> TinyVitBuilder.deitLike().opset(12).config()).hasMessageContaining("opset");
        assertThatThrownBy(() -> TinyVitBuilder.deitLike().style(ExportStyle.SWIN_LIKE).windowSize(4).config())
                .hasMessageContaining("windowSize");
    }

    @Test
    void writeToSavesALoadableModel() throws Exception {
        Path file = TinyVitBuilder.deitLike().style(ExportStyle.TORCHVISION).writeTo(dir.resolve("tv.onnx"));
        assertThat(Files.size(file)).isGreaterThan(1000);
        Model loaded = ModelIO.load(file);
        assertThat(loaded.graph().node("/heads/head/Gemm")).isPresent();
        assertThat(TinyVitBuilder.from(TinyVitBuilder.deitLike().seed(9).config()).config())
                .isEqualTo(TinyVitBuilder.deitLike().seed(9).config());
    }

    private static Node node(Graph g, String name) {
        return g.node(name).orElseThrow(() -> new AssertionError("no node " + name + " in "
                + g.nodes().stream().map(Node::name).toList()));
    }
}
