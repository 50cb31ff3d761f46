package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.nonuniform.TwinUniformQuantizer.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where the simulated form goes: only on the edges to the listed consumers, with readable names, on a
 * copy of the model; a real Softmax output (batch-dynamic) goes through it exactly as the reference says.
 */
class RewriterTest {
    private static final String ATTN = "attn";

    /** {@code logits → Softmax → attn}; {@code attn → MatMul(V) → context}; {@code attn → Identity → probs}. */
    static Model attention(long opset) {
        Graph g = new Graph("attention");
        List<Dim> in = List.of(Dim.symbolic("batch"), Dim.of(3), Dim.of(8), Dim.of(8));
        g.addInput(new ValueInfo("logits", DataType.FLOAT, in));
        g.putInitializer(Tensor.ofFloats("V", new long[] {8, 4}, Samples.gaussian(3, 32, 1)));
        g.addNode(new Node("softmax", "Softmax", List.of("logits"), List.of(ATTN), Attribute.of("axis", -1L)));
        g.addNode(new Node("attn_v", "MatMul", List.of(ATTN, "V"), List.of("context")));
        g.addNode(new Node("keep", "Identity", List.of(ATTN), List.of("probs")));
        g.addOutput(new ValueInfo("context", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(3), Dim.of(8), Dim.of(4))));
        g.addOutput(new ValueInfo("probs", DataType.FLOAT, in));
        return new Model(7, Map.of("", opset), g);
    }

    @Test
    void onlyTheListedConsumerReadsTheQuantizedValue() {
        Model model = attention(13);
        int nodesBefore = model.graph().nodes().size();
        AdaLogQuantizer q = AdaLogQuantizer.softmax(4, 26);
        Model out = NonUniformRewriter.rewrite(model, List.of(new NonUniformQuantization(ATTN, List.of("attn_v"), q)));

        assertThat(model.graph().nodes()).hasSize(nodesBefore); // the input model is untouched
        Graph g = out.graph();
        assertThat(g.node("attn_v").orElseThrow().input(0)).isEqualTo("attn/fake_quantized");
        assertThat(g.node("keep").orElseThrow().input(0)).isEqualTo(ATTN);
        assertThat(g.nodes().stream().filter(n -> !List.of("softmax", "attn_v", "keep").contains(n.name())))
                .allSatisfy(n -> assertThat(n.name()).startsWith("attn/fake_quant/"));
        assertThat(g.initializers().keySet().stream().filter(k -> !k.equals("V"))).allSatisfy(k -> assertThat(k).startsWith("attn/"));
        assertThat(g.nodes().stream().map(Node::opType)).contains("Log", "Gather", "Where").doesNotContain("Pow");
        assertThat(g.isTopologicallySorted()).isTrue();

        Model exposed = out.copy();
        exposed.graph().addOutput(ValueInfo.untyped(ATTN));
        exposed.graph().addOutput(ValueInfo.untyped("attn/fake_quantized"));
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            for (int batch : List.of(1, 3)) {
                float[] logits = Samples.gaussian(batch, batch * 3 * 64, 3);
                Map<String, Tensor> res = r.run(Map.of("logits", Tensor.ofFloats("logits", new long[] {batch, 3, 8, 8}, logits)));
                float[] attn = res.get(ATTN).toFloats();
                assertThat(res.get("attn/fake_quantized").toFloats()).containsExactly(q.fakeQuantize(attn));
                assertThat(res.get("probs").toFloats()).containsExactly(attn); // the other reader keeps float
            }
        }
    }

    @Test
    void twoQuantizersOnOneTensorGetDistinctNames() {
        Model model = attention(13);
        TwinUniformQuantizer twin = new TwinUniformQuantizer(4, Mode.SOFTMAX, 0x1p-8f, 5);
        Log2Quantizer log2 = Log2Quantizer.unit(3);
        Model out = NonUniformRewriter.rewrite(model, List.of(new NonUniformQuantization(ATTN, List.of("attn_v"), twin),
                new NonUniformQuantization(ATTN, List.of("keep"), log2)));
        Graph g = out.graph();
        String first = g.node("attn_v").orElseThrow().input(0);
        String second = g.node("keep").orElseThrow().input(0);
        assertThat(first).isEqualTo("attn/fake_quantized");
        assertThat(second).isEqualTo("attn/fake_quantized_1");
        Model exposed = out.copy();
        exposed.graph().addOutput(ValueInfo.untyped(ATTN));
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            float[] logits = Samples.gaussian(9, 2 * 3 * 64, 4);
            Map<String, Tensor> res = r.run(Map.of("logits", Tensor.ofFloats("logits", new long[] {2, 3, 8, 8}, logits)));
            assertThat(res.get("probs").toFloats()).containsExactly(log2.fakeQuantize(res.get(ATTN).toFloats()));
        }
    }

    @Test
    void insertOnAGraphInputWithEveryReader() {
        Model m = attention(13).copy();
        Graph g = m.graph();
        String out = NonUniformRewriter.insert(g, "logits", List.of(), UniformActivationQuantizer.ofRange(8, -4f, 4f));
        assertThat(out).isEqualTo("logits/fake_quantized");
        assertThat(g.node("softmax").orElseThrow().input(0)).isEqualTo(out);
        assertThat(g.isTopologicallySorted()).isTrue();
    }

    @Test
    void mistakesAreNamed() {
        Model model = attention(13);
        NonUniformQuantizer q = Log2Quantizer.unit(4);
        assertThatThrownBy(() -> NonUniformRewriter.rewrite(model, List.of(new NonUniformQuantization("nope", List.of(), q))))
                .isInstanceOf(UserException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> NonUniformRewriter.rewrite(model, List.of(new NonUniformQuantization(ATTN, List.of("softmax"), q))))
                .isInstanceOf(UserException.class).hasMessageContaining("does not read it");
        assertThatThrownBy(() -> NonUniformRewriter.rewrite(model, List.of(new NonUniformQuantization(ATTN, List.of("ghost"), q))))
                .isInstanceOf(UserException.class).hasMessageContaining("'ghost'");
        assertThatThrownBy(() -> NonUniformRewriter.rewrite(attention(10), List.of(new NonUniformQuantization(ATTN, List.of(), q))))
                .isInstanceOf(UserException.class).hasMessageContaining("opset 11");
    }
}
