package io.vitshrink.quant.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * int4 and blocked QDQ need opset 21: the opset upgrade of an opset-13 export keeps its logits
 * identical, and per-group int4 weights at opset 21 run in ORT and match the reference.
 */
class Int4OpsetTest {

    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void upgradingAnOpset13ExportKeepsItsLogits(ExportStyle style) {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(style).opset(13).seed(9);
        TinyVitConfig c = b.config();
        Model model = b.build();
        Model upgraded = OpsetUpgrade.upgrade(model, 21);

        assertThat(upgraded.opset()).isEqualTo(21);
        assertThat(upgraded.irVersion()).isEqualTo(10);
        assertThat(model.opset()).as("input untouched").isEqualTo(13);
        List<Node> reduces = upgraded.graph().nodes().stream().filter(n -> n.opType().startsWith("Reduce")).toList();
        assertThat(reduces).as("decomposed LayerNorm").isNotEmpty()
                .allSatisfy(n -> assertThat(n.attribute("axes")).isEmpty())
                .allSatisfy(n -> assertThat(upgraded.graph().constant(n.input(1))).isPresent());
        for (int batch : List.of(1, 3)) {
            float[] before = VitPlans.logits(model, c, 1, 6, batch, RunnerOptions.defaults());
            float[] after = VitPlans.logits(upgraded, c, 1, 6, batch, RunnerOptions.defaults());
            assertThat(after).containsExactly(before);
        }
    }

    @Test
    void convertsAttributesThatBecameInputs() {
        Graph g = new Graph("opset10");
        g.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.of(2), Dim.of(3), Dim.of(4))));
        g.addNode(new Node("mean", "ReduceMean", List.of("x"), List.of("m"), Attribute.ofInts("axes", 2), Attribute.of("keepdims", 1L)));
        g.addNode(new Node("sum", "ReduceSum", List.of("x"), List.of("s"), Attribute.ofInts("axes", 0, 2), Attribute.of("keepdims", 0L)));
        g.addNode(new Node("split", "Split", List.of("x"), List.of("p1", "p2"), Attribute.of("axis", 2L), Attribute.ofInts("split", 1, 3)));
        g.addNode(new Node("halves", "Split", List.of("x"), List.of("h1", "h2"), Attribute.of("axis", 2L)));
        g.addNode(new Node("unsq", "Unsqueeze", List.of("p1"), List.of("u"), Attribute.ofInts("axes", 0)));
        g.addNode(new Node("sq", "Squeeze", List.of("u"), List.of("q"), Attribute.ofInts("axes", 0)));
        g.addNode(new Node("clip", "Clip", List.of("p2"), List.of("c"), Attribute.of("min", -0.5f), Attribute.of("max", 0.5f)));
        g.addNode(new Node("softmax", "Softmax", List.of("h2"), List.of("sm"), Attribute.of("axis", 2L)));
        g.putValueInfo(new ValueInfo("h2", DataType.FLOAT, List.of(Dim.of(2), Dim.of(3), Dim.of(2))));
        for (String out : List.of("m", "s", "q", "c", "h1", "sm")) {
            g.addOutput(ValueInfo.untyped(out));
        }
        Model model = new Model(5, Map.of("", 10L), g);
        Model upgraded = OpsetUpgrade.upgrade(model, 21);
        Graph u = upgraded.graph();
        assertThat(u.node("mean").orElseThrow().inputs()).hasSize(2);
        assertThat(u.constant(u.node("sum").orElseThrow().input(1)).orElseThrow().toLongs()).containsExactly(0, 2);
        assertThat(u.constant(u.node("split").orElseThrow().input(1)).orElseThrow().toLongs()).containsExactly(1, 3);
        assertThat(u.node("halves").orElseThrow().intAttr("num_outputs", 0)).isEqualTo(2);
        assertThat(u.node("clip").orElseThrow().inputs()).hasSize(3);
        assertThat(u.node("softmax").orElseThrow().intAttr("axis", 0)).isEqualTo(-1);

        float[] x = Fixtures.random(5, 24, 1f);
        Map<String, Tensor> feed = Map.of("x", Tensor.ofFloats("x", new long[] {2, 3, 4}, x));
        Map<String, Tensor> before = Fixtures.run(model, feed);
        Map<String, Tensor> after = Fixtures.run(upgraded, feed);
        for (String out : before.keySet()) {
            assertThat(after.get(out).dims()).as(out).containsExactly(before.get(out).dims());
            assertThat(after.get(out).toFloats()).as(out).containsExactly(before.get(out).toFloats());
        }
    }

    /**
     * Hugging Face opset 13, every Linear weight int4 per group of 32: the rewrite raises the model to
     * opset 21 and writes blocked DequantizeLinear nodes; ORT (which turns DQ(int4) → MatMul into
     * MatMulNBits, here at accuracy level 1 = fp32) gives the logits of the model whose weights are the
     * fake-quantized floats, up to float rounding.
     */
    @Test
    void perGroupInt4WeightsRunAtOpset21(@TempDir Path tmp) {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(ExportStyle.HUGGING_FACE).opset(13).width(64).seed(4);
        TinyVitConfig c = b.config();
        Model model = b.build();
        List<TensorQuantization> plan = VitPlans.plan(model, c, UniformSpec.weights(4, Granularity.PER_GROUP, 32), null);
        Model q = QdqRewriter.defaults().rewrite(model, plan);

        assertThat(q.opset()).isEqualTo(21);
        assertThat(q.metadata()).containsEntry(RewriteMetadata.OPSET_UPGRADE, "13->21");
        for (TensorQuantization t : plan) {
            Tensor w = q.graph().initializer(t.tensor() + "/quantized").orElseThrow();
            assertThat(w.type()).isEqualTo(DataType.INT4);
            Node dq = q.graph().node(t.tensor() + "/DequantizeLinear").orElseThrow();
            int blocked = 1 - t.params().axis();
            assertThat(dq.intAttr("axis", -99)).isEqualTo(blocked);
            assertThat(dq.intAttr("block_size", 0)).isEqualTo(32);
            long[] scaleDims = w.dims();
            scaleDims[blocked] = (scaleDims[blocked] + 31) / 32;
            assertThat(q.graph().initializer(dq.input(1)).orElseThrow().dims()).containsExactly(scaleDims);
            assertThat(q.graph().initializer(dq.input(2)).orElseThrow().type()).isEqualTo(DataType.INT4);
        }

        Model simulated = SimulatedRewriter.defaults().rewrite(model, plan);
        RunnerOptions fp32 = MatMulNBitsTest.FP32.withOptimizedModelPath(tmp.resolve("optimized.onnx"));
        float[] expected = VitPlans.logits(simulated, c, 6, 8, 8, RunnerOptions.defaults());
        float[] batch1 = VitPlans.logits(q, c, 6, 8, 1, fp32);
        float[] batch3 = VitPlans.logits(q, c, 6, 8, 3, fp32);
        assertThat(batch1).containsExactly(expected, org.assertj.core.data.Offset.offset(2e-4f));
        assertThat(batch3).containsExactly(expected, org.assertj.core.data.Offset.offset(2e-4f));
        // what ORT runs: every MatMul weight as MatMulNBits; the Gemm head keeps its DequantizeLinear
        long matmulWeights = plan.stream().filter(t -> model.graph().node(t.consumers().get(0)).orElseThrow().is("MatMul")).count();
        assertThat(Fixtures.opCounts(ModelIO.load(tmp.resolve("optimized.onnx"))))
                .containsEntry("MatMulNBits", (int) matmulWeights).containsEntry("DequantizeLinear", 1);
    }
}
