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
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which nodes and initializers each rewriter writes, with which names, and what it leaves alone. */
class RewriteStructureTest {

    /** x [b, 8] → MatMul(W [8, 4]) → h → Add(h, h2) … where h feeds a MatMul and a residual Add. */
    static Model twoConsumers() {
        Graph g = new Graph("two_consumers");
        g.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.symbolic("b"), Dim.of(8))));
        g.putInitializer(Tensor.ofFloats("W", new long[] {8, 8}, Fixtures.random(1, 64, 0.3f)));
        g.putInitializer(Tensor.ofFloats("V", new long[] {8, 8}, Fixtures.random(2, 64, 0.3f)));
        g.addNode(new Node("fc1", "MatMul", List.of("x", "W"), List.of("h")));
        g.addNode(new Node("fc2", "MatMul", List.of("h", "V"), List.of("z")));
        g.addNode(new Node("residual", "Add", List.of("h", "z"), List.of("r")));
        g.addNode(new Node("again", "MatMul", List.of("r", "W"), List.of("y"))); // W read twice
        g.addOutput(new ValueInfo("y", DataType.FLOAT, List.of(Dim.symbolic("b"), Dim.of(8))));
        return new Model(8, Map.of("", 13L), g);
    }

    static UniformParams act8() {
        return new UniformParams(UniformSpec.activations(8), new float[] {0.02f}, new int[] {120}, 0);
    }

    @Test
    void qdqNamesWhatItAddsAndLeavesOtherReadersFloat() {
        Model model = twoConsumers();
        byte[] before = ModelIO.toBytes(model);
        Tensor w = model.graph().initializer("W").orElseThrow();
        List<TensorQuantization> plan = List.of(
                new TensorQuantization("W", TensorRole.WEIGHT, List.of("fc1"),
                        Fixtures.params(w.toFloats(), w.dims(), UniformSpec.weights(8, Granularity.PER_CHANNEL, 0), 1)),
                Fixtures.activation("h", List.of("fc2"), act8()));
        Model q = QdqRewriter.defaults().rewrite(model, plan, Map.of("vitshrink.version", "test"));
        Graph g = q.graph();

        assertThat(ModelIO.toBytes(model)).as("input untouched").isEqualTo(before);
        assertThat(q.opset()).as("int8 needs no upgrade").isEqualTo(13);
        // the weight: integers, scale, zero point, one DequantizeLinear for fc1; "again" keeps the float W
        assertThat(g.initializer("W/quantized").orElseThrow().type()).isEqualTo(DataType.INT8);
        assertThat(g.initializer("W/scale").orElseThrow().dims()).containsExactly(8);
        assertThat(g.initializer("W/zero_point").orElseThrow().type()).isEqualTo(DataType.INT8);
        Node dqw = g.node("W/DequantizeLinear").orElseThrow();
        assertThat(dqw.inputs()).containsExactly("W/quantized", "W/scale", "W/zero_point");
        assertThat(dqw.intAttr("axis", -1)).isEqualTo(1);
        assertThat(g.node("fc1").orElseThrow().inputs()).containsExactly("x", "W/dequantized");
        assertThat(g.node("again").orElseThrow().inputs()).containsExactly("r", "W");
        assertThat(g.initializer("W")).as("still read by 'again'").isPresent();
        // the activation: one Q, one DQ on the edge to fc2; the residual Add reads the float value
        Node qh = g.node("h/QuantizeLinear").orElseThrow();
        assertThat(qh.inputs()).containsExactly("h", "h/scale", "h/zero_point");
        assertThat(qh.output(0)).isEqualTo("h/quantized");
        Node dqh = g.node("fc2/quant_in0").orElseThrow();
        assertThat(dqh.inputs()).containsExactly("h/quantized", "h/scale", "h/zero_point");
        assertThat(g.node("fc2").orElseThrow().input(0)).isEqualTo("fc2/quant_in0");
        assertThat(g.node("residual").orElseThrow().inputs()).containsExactly("h", "z");
        assertThat(g.initializer("h/zero_point").orElseThrow().type()).isEqualTo(DataType.UINT8);
        assertThat(q.metadata()).containsEntry(RewriteMetadata.FORMAT, "qdq")
                .containsEntry(RewriteMetadata.QUANTIZED_TENSORS, "2")
                .containsEntry("vitshrink.version", "test")
                .doesNotContainKey(RewriteMetadata.OPSET_UPGRADE);
        assertThat(g.isTopologicallySorted()).isTrue();
        Fixtures.run(q, Map.of("x", Tensor.ofFloats("x", new long[] {2, 8}, Fixtures.random(3, 16, 1f))));
    }

    @Test
    void emptyConsumersMeanEveryReaderAndTheFloatWeightGoes() {
        Model model = twoConsumers();
        Tensor w = model.graph().initializer("W").orElseThrow();
        TensorQuantization tq = new TensorQuantization("W", TensorRole.WEIGHT, List.of(),
                Fixtures.params(w.toFloats(), w.dims(), UniformSpec.weights(8, Granularity.PER_TENSOR, 0), 0));
        Model q = QdqRewriter.defaults().rewrite(model, List.of(tq));
        assertThat(q.graph().initializer("W")).isEmpty();
        assertThat(q.graph().consumers("W/dequantized")).extracting(Node::name).containsExactlyInAnyOrder("fc1", "again");
        assertThat(q.graph().initializer("W/scale").orElseThrow().rank()).as("per tensor: a scalar").isZero();
        assertThat(q.graph().node("W/DequantizeLinear").orElseThrow().attribute("axis")).isEmpty();
    }

    @Test
    void perGroupWeightsUseTheBlockedLayoutAtOpset21() {
        // MatMul weight [K=8, N=4], channel axis 1: groups run along K = axis 0
        float[] values = Fixtures.random(4, 32, 0.3f);
        Graph g0 = new Graph("blocked");
        g0.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.symbolic("b"), Dim.of(8))));
        g0.putInitializer(Tensor.ofFloats("W", new long[] {8, 4}, values));
        g0.addNode(new Node("fc", "MatMul", List.of("x", "W"), List.of("y")));
        g0.addOutput(new ValueInfo("y", DataType.FLOAT, List.of(Dim.symbolic("b"), Dim.of(4))));
        Model model = new Model(8, Map.of("", 17L), g0);
        UniformParams p = Fixtures.params(values, new long[] {8, 4}, new UniformSpec(4, false, false, Granularity.PER_GROUP, 4), 1);
        Model q = QdqRewriter.defaults().rewrite(model, List.of(new TensorQuantization("W", TensorRole.WEIGHT, List.of(), p)));
        Graph g = q.graph();
        Node dq = g.node("W/DequantizeLinear").orElseThrow();
        assertThat(dq.intAttr("axis", -1)).isZero();
        assertThat(dq.intAttr("block_size", 0)).isEqualTo(4);
        Tensor scale = g.initializer("W/scale").orElseThrow();
        assertThat(scale.dims()).containsExactly(2, 4);
        // ONNX [group, channel] holds our channel-major [channel · groups + group]
        float[] ours = p.scale();
        float[] onnx = scale.toFloats();
        for (int group = 0; group < 2; group++) {
            for (int ch = 0; ch < 4; ch++) {
                assertThat(onnx[group * 4 + ch]).isEqualTo(ours[ch * 2 + group]);
            }
        }
        assertThat(g.initializer("W/quantized").orElseThrow().type()).isEqualTo(DataType.UINT4);
        assertThat(q.opset()).isEqualTo(21);
        assertThat(q.irVersion()).isEqualTo(10);
        assertThat(q.metadata()).containsEntry(RewriteMetadata.OPSET_UPGRADE, "17->21");
    }

    @Test
    void simulatedWritesTheFakeQuantChainAndFakeQuantizedWeights() {
        Model model = twoConsumers();
        Tensor w = model.graph().initializer("W").orElseThrow();
        UniformParams wp = Fixtures.params(w.toFloats(), w.dims(), UniformSpec.weights(6, Granularity.PER_CHANNEL, 0), 1);
        UniformParams signed5 = new UniformParams(new UniformSpec(5, true, true, Granularity.PER_TENSOR, 0),
                new float[] {0.1f}, new int[] {0}, 0);
        List<TensorQuantization> plan = List.of(new TensorQuantization("W", TensorRole.WEIGHT, List.of(), wp),
                Fixtures.activation("h", List.of("fc2"), signed5), Fixtures.activation("r", List.of(), act8()));
        Model s = SimulatedRewriter.defaults().rewrite(model, plan);
        Graph g = s.graph();

        assertThat(g.initializer("W").orElseThrow().toFloats()).as("every reader: replaced in place")
                .containsExactly(UniformQuantizer.fakeQuantize(w.toFloats(), w.dims(), wp));
        List<String> chain = List.of("Div", "Round", "Add", "Clip", "Sub", "Mul");
        for (String op : chain) {
            assertThat(g.node("h/fake_quant/" + op).orElseThrow().opType()).isEqualTo(op);
            assertThat(g.node("r/fake_quant/" + op)).isPresent();
        }
        assertThat(g.node("fc2").orElseThrow().input(0)).isEqualTo("h/fake_quantized");
        assertThat(g.node("residual").orElseThrow().input(0)).isEqualTo("h");
        assertThat(g.node("again").orElseThrow().input(0)).isEqualTo("r/fake_quantized");
        // a zero point of 0 is written shifted (here the signed grid as its unsigned twin: + 16)
        assertThat(g.initializer("h/shifted_zero_point").orElseThrow().toFloats()).containsExactly(16f);
        assertThat(g.initializer("h/qmin").orElseThrow().toFloats()).containsExactly(0f);
        assertThat(g.initializer("h/qmax").orElseThrow().toFloats()).containsExactly(31f);
        assertThat(g.initializer("r/zero_point").orElseThrow().toFloats()).containsExactly(120f);
        assertThat(s.metadata()).containsEntry(RewriteMetadata.FORMAT, "simulated")
                .containsEntry(RewriteMetadata.QUANTIZED_WEIGHTS, "1")
                .containsEntry(RewriteMetadata.QUANTIZED_ACTIVATIONS, "2");
        Fixtures.run(s, Map.of("x", Tensor.ofFloats("x", new long[] {3, 8}, Fixtures.random(3, 24, 1f))));
    }

    @Test
    void simulatedKeepsTheFloatWeightForReadersOutsideThePlan() {
        Model model = twoConsumers();
        Tensor w = model.graph().initializer("W").orElseThrow();
        UniformParams wp = Fixtures.params(w.toFloats(), w.dims(), UniformSpec.weights(3, Granularity.PER_TENSOR, 0), 1);
        Model s = SimulatedRewriter.defaults().rewrite(model, List.of(new TensorQuantization("W", TensorRole.WEIGHT,
                List.of("again"), wp)));
        assertThat(s.graph().node("again").orElseThrow().input(1)).isEqualTo("W/fake_quantized");
        assertThat(s.graph().node("fc1").orElseThrow().input(1)).isEqualTo("W");
        assertThat(s.graph().initializer("W").orElseThrow().toFloats()).containsExactly(w.toFloats());
    }

    @Test
    void gemmBiasIsQuantizedSoThatOrtCanFuseQGemm() {
        Graph g0 = new Graph("gemm");
        g0.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.symbolic("b"), Dim.of(8))));
        float[] w = Fixtures.random(8, 32, 0.3f);
        g0.putInitializer(Tensor.ofFloats("W", new long[] {4, 8}, w));
        g0.putInitializer(Tensor.ofFloats("B", new long[] {4}, new float[] {0.1f, -0.2f, 0.3f, 0f}));
        g0.addNode(new Node("head", "Gemm", List.of("x", "W", "B"), List.of("y"), Attribute.of("transB", 1L)));
        g0.addOutput(new ValueInfo("y", DataType.FLOAT, List.of(Dim.symbolic("b"), Dim.of(4))));
        Model model = new Model(8, Map.of("", 17L), g0);
        UniformParams wp = Fixtures.params(w, new long[] {4, 8}, UniformSpec.weights(8, Granularity.PER_CHANNEL, 0), 0);
        List<TensorQuantization> plan = List.of(new TensorQuantization("W", TensorRole.WEIGHT, List.of(), wp),
                Fixtures.activation("x", List.of("head"), act8()));

        Graph g = QdqRewriter.defaults().rewrite(model, plan).graph();
        Node head = g.node("head").orElseThrow();
        assertThat(head.input(2)).isEqualTo("B/dequantized");
        assertThat(g.initializer("B")).isEmpty();
        Tensor qb = g.initializer("B/quantized").orElseThrow();
        assertThat(qb.type()).isEqualTo(DataType.INT32);
        float[] scale = g.initializer("B/scale").orElseThrow().toFloats();
        for (int c = 0; c < 4; c++) {
            assertThat(scale[c]).isEqualTo(0.02f * wp.scale()[c]);
        }
        assertThat(QdqRewriter.defaults().withGemmBiasQuantization(false).rewrite(model, plan).graph()
                .node("head").orElseThrow().input(2)).isEqualTo("B");
    }
}
