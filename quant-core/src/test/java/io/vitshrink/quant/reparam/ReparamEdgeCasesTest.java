package io.vitshrink.quant.reparam;

import static io.vitshrink.quant.reparam.ReparamFixtures.bytes;
import static io.vitshrink.quant.reparam.ReparamFixtures.config;
import static io.vitshrink.quant.reparam.ReparamFixtures.logits;
import static io.vitshrink.quant.reparam.ReparamFixtures.node;
import static io.vitshrink.quant.reparam.ReparamFixtures.normOutputs;
import static io.vitshrink.quant.reparam.ReparamFixtures.relativeError;
import static io.vitshrink.quant.reparam.ReparamFixtures.stats;
import static io.vitshrink.quant.reparam.ReparamFixtures.structure;
import static io.vitshrink.quant.reparam.ReparamFixtures.withOutlierChannels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.LayerNorm;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Graph shapes the exporters in the kit do not write but real models do: shared initializers, missing
 * LayerNorm affines, a Gemm with an [out, in] weight behind a Reshape, a Linear without bias, a norm
 * read by something other than a Linear; and replays that do not fit.
 */
class ReparamEdgeCasesTest {

    /** Runs both passes, checks exactness and bit-exact replay, returns the SmoothQuant result. */
    private static ReparamResult bothPassesExact(Model model, TinyVitConfig c) {
        VitStructure s = structure(model);
        Map<String, ChannelRange> st = stats(model, c, normOutputs(s));
        byte[] input = bytes(model);
        float[] expected = logits(model, c, 3);
        ReparamResult sq = null;
        for (int pass = 0; pass < 2; pass++) {
            ReparamResult r = pass == 0 ? RepQVitReparam.run(model, s, st) : SmoothQuantReparam.run(model, s, st);
            assertThat(relativeError(expected, logits(r.model(), c, 3))).as("pass %d", pass).isLessThanOrEqualTo(1e-4);
            assertThat(bytes(Reparameterizations.apply(model, s, r.applied()))).isEqualTo(bytes(r.model()));
            sq = r;
        }
        assertThat(bytes(model)).isEqualTo(input);
        return sq;
    }

    @Test
    void sharedGammaAndWeightsAreDuplicatedBeforeEditing() {
        TinyVitConfig c = config(ExportStyle.HUGGING_FACE, 13);
        Model model = withOutlierChannels(TinyVitBuilder.build(c));
        VitStructure s = structure(model);
        Graph g = model.graph();
        TransformerBlock b0 = s.blocks().get(0);
        TransformerBlock b1 = s.blocks().get(1);
        // block 1's norm1 reads block 0's norm1 gamma (decomposed: the Mul's constant operand)
        Node mul1 = g.producer(g.producer(b1.norm1().output()).orElseThrow().input(0)).orElseThrow();
        g.setNodeInput(mul1, mul1.input(0).equals(b1.norm1().scale()) ? 0 : 1, b0.norm1().scale());
        // key reads the query weight; the attention output projection (not a norm reader) does too
        String qWeight = b0.attention().q().weight();
        g.setNodeInput(node(g, b0.attention().k().name()), 1, qWeight);
        g.setNodeInput(node(g, b0.attention().proj().name()), 1, qWeight);
        Tensor sharedGamma = g.initializer(b0.norm1().scale()).orElseThrow();
        Tensor sharedWeight = g.initializer(qWeight).orElseThrow();

        ReparamResult r = bothPassesExact(model, c);

        assertThat(r.skipped()).isEmpty();
        Graph out = r.model().graph();
        // the projection still reads the untouched original weight
        assertThat(node(out, b0.attention().proj().name()).input(1)).isEqualTo(qWeight);
        assertThat(out.initializer(qWeight).orElseThrow().rawBytes()).isEqualTo(sharedWeight.rawBytes());
        // q and k got their own (equally scaled) copies
        String qNew = node(out, b0.attention().q().name()).input(1);
        String kNew = node(out, b0.attention().k().name()).input(1);
        assertThat(List.of(qNew, kNew)).doesNotContain(qWeight).doesNotHaveDuplicates();
        assertThat(out.initializer(qNew).orElseThrow().rawBytes()).isEqualTo(out.initializer(kNew).orElseThrow().rawBytes());
        // the two norms no longer share a gamma, and neither is the original any more
        Node mul0 = out.producer(out.producer(b0.norm1().output()).orElseThrow().input(0)).orElseThrow();
        Node mul1New = out.producer(out.producer(b1.norm1().output()).orElseThrow().input(0)).orElseThrow();
        assertThat(mul0.inputs()).doesNotContainAnyElementsOf(mul1New.inputs());
        assertThat(out.initializer(b0.norm1().scale()).map(Tensor::rawBytes).orElse(new byte[0]))
                .isNotEqualTo(sharedGamma.rawBytes());
    }

    @Test
    void addsMissingLayerNormAffinesWhereTheyBelong() {
        // fused LayerNormalization without bias (TIMM, opset 17)
        TinyVitConfig c17 = config(ExportStyle.TIMM, 17);
        Model fused = withOutlierChannels(TinyVitBuilder.build(c17));
        LayerNorm n1 = structure(fused).blocks().get(0).norm1();
        Node ln = fused.graph().producer(n1.output()).orElseThrow();
        fused.graph().removeNode(ln);
        fused.graph().addNode(new Node(ln.name(), ln.opType(), ln.domain(), ln.inputs().subList(0, 2), ln.outputs(),
                ln.attributes()));
        assertThat(structure(fused).blocks().get(0).norm1().bias()).isNull();
        ReparamResult r = bothPassesExact(fused, c17);
        assertThat(r.skipped()).isEmpty();
        assertThat(structure(r.model()).blocks().get(0).norm1().bias()).isNotNull();

        // decomposed: block 0 norm2 without beta Add, block 1 norm1 without gamma Mul nor beta Add (HF, opset 13)
        TinyVitConfig c13 = config(ExportStyle.HUGGING_FACE, 13);
        Model dec = withOutlierChannels(TinyVitBuilder.build(c13));
        Graph g = dec.graph();
        VitStructure s = structure(dec);
        Node add = g.producer(s.blocks().get(0).norm2().output()).orElseThrow();
        String mulOut = add.input(0).equals(s.blocks().get(0).norm2().bias()) ? add.input(1) : add.input(0);
        g.replaceAllUses(add.output(0), mulOut);
        g.removeNode(add);
        Node add1 = g.producer(s.blocks().get(1).norm1().output()).orElseThrow();
        Node mul1 = g.producer(add1.input(add1.input(0).equals(s.blocks().get(1).norm1().bias()) ? 1 : 0)).orElseThrow();
        String divOut = mul1.input(0).equals(s.blocks().get(1).norm1().scale()) ? mul1.input(1) : mul1.input(0);
        g.replaceAllUses(add1.output(0), divOut);
        g.removeNode(add1);
        g.removeNode(mul1);
        VitStructure edited = structure(dec);
        assertThat(edited.blocks().get(0).norm2().bias()).isNull();
        assertThat(edited.blocks().get(1).norm1().scale()).isNull();
        assertThat(edited.blocks().get(1).norm1().bias()).isNull();

        ReparamResult d = bothPassesExact(dec, c13);
        assertThat(d.skipped()).isEmpty();
        VitStructure after = structure(d.model());
        assertThat(after.blocks()).hasSize(2);
        for (TransformerBlock b : after.blocks()) {
            for (LayerNorm n : List.of(b.norm1(), b.norm2())) {
                assertThat(n.decomposed()).isTrue();
                assertThat(n.scale()).as("gamma of %s", n.output()).isNotNull();
                assertThat(n.bias()).as("beta of %s", n.output()).isNotNull();
            }
        }
    }

    @Test
    void gemmWithOutInWeightBehindReshapesAndMatMulWithoutBias() {
        TinyVitConfig c = config(ExportStyle.TIMM, 17);
        Model model = withOutlierChannels(TinyVitBuilder.build(c));
        Graph g = model.graph();
        VitStructure s = structure(model);
        // block 0 MLP on rows: x → Reshape [-1, D] → fc1 as Gemm(transB=1, W [out, in], b) → GELU → fc2 → Reshape [-1, N, D]
        Linear fc1 = s.blocks().get(0).mlp().fc1();
        Linear fc2 = s.blocks().get(0).mlp().fc2();
        int d = (int) fc1.inFeatures();
        int m = (int) fc1.outFeatures();
        float[] w = g.initializer(fc1.weight()).orElseThrow().toFloats();
        float[] wt = new float[w.length];
        for (int i = 0; i < d; i++) {
            for (int o = 0; o < m; o++) {
                wt[o * d + i] = w[i * m + o];
            }
        }
        g.putInitializer(Tensor.ofFloats("fc1_w_out_in", new long[] {m, d}, wt));
        g.putInitializer(Tensor.vector("mlp_rows", -1, d));
        g.putInitializer(Tensor.vector("mlp_back", -1, 17, d));
        Node rows = new Node("/blocks.0/mlp/Reshape_in", "Reshape", List.of(fc1.input(), "mlp_rows"), List.of("mlp_x2"));
        Node gemm = new Node("/blocks.0/mlp/fc1/Gemm", "Gemm", List.of("mlp_x2", "fc1_w_out_in", fc1.bias()),
                List.of(fc1.output()), Attribute.of("transB", 1L), Attribute.of("alpha", 1f), Attribute.of("beta", 1f));
        g.removeNode(fc1.biasNode());
        g.removeNode(node(g, fc1.name()));
        g.addNode(rows);
        g.addNode(gemm);
        Node fc2Add = node(g, fc2.biasNode().name());
        g.setNodeOutput(fc2Add, 0, "mlp_y2");
        g.addNode(new Node("/blocks.0/mlp/Reshape_out", "Reshape", List.of("mlp_y2", "mlp_back"), List.of(fc2.output())));
        g.removeInitializer(fc1.weight());
        // block 1 query/key/value (fused qkv) without its bias Add
        Linear qkv = s.blocks().get(1).attention().q();
        g.replaceAllUses(qkv.output(), qkv.node().output(0));
        g.removeNode(node(g, qkv.biasNode().name()));
        VitStructure edited = structure(model);
        assertThat(edited.blocks().get(0).mlp().fc1().weightOutInLayout()).isTrue();
        assertThat(edited.blocks().get(1).attention().q().bias()).isNull();

        ReparamResult r = bothPassesExact(model, c);

        assertThat(r.skipped()).isEmpty();
        assertThat(r.applied().get(1).linears()).containsExactly("/blocks.0/mlp/fc1/Gemm");
        // SmoothQuant shifted, so the bias-less qkv got a bias
        VitStructure after = structure(r.model());
        assertThat(after.blocks().get(1).attention().q().bias()).isNotNull();
        assertThat(after.blocks().get(0).mlp().fc1().weightOutInLayout()).isTrue();
    }

    @Test
    void skipsANormReadByOtherNodesAndReportsMissingStatistics() {
        TinyVitConfig c = config(ExportStyle.TIMM, 17);
        Model model = withOutlierChannels(TinyVitBuilder.build(c));
        VitStructure s = structure(model);
        String n2 = s.blocks().get(1).norm2().output();
        model.graph().addNode(new Node("extra/ReduceMean", "ReduceMean", List.of(n2), List.of("extra_mean"),
                Attribute.ofInts("axes", -1L)));
        model.graph().addOutput(ValueInfo.untyped("extra_mean"));
        s = structure(model);
        Map<String, ChannelRange> st = new LinkedHashMap<>(stats(model, c, normOutputs(s)));
        String n1 = s.blocks().get(1).norm1().output();
        st.remove(n1);
        st.put("not_a_norm", st.get(n2));

        ReparamResult r = RepQVitReparam.run(model, s, st);

        assertThat(r.applied()).extracting(Reparameterization::norm).containsExactly(
                s.blocks().get(0).norm1().output(), s.blocks().get(0).norm2().output());
        assertThat(r.skipped()).extracting(SkippedNorm::norm).containsExactly(n1, n2, "not_a_norm");
        assertThat(r.skipped().get(0).reason()).contains("no statistics");
        assertThat(r.skipped().get(1).reason()).contains("ReduceMean 'extra/ReduceMean'");
        assertThat(relativeError(logits(model, c, 1), logits(r.model(), c, 1))).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void replayRefusesWhatDoesNotFit() {
        TinyVitConfig c = config(ExportStyle.HUGGING_FACE, 13);
        Model model = TinyVitBuilder.build(c);
        VitStructure s = structure(model);
        ReparamResult r = SmoothQuantReparam.run(model, s, stats(model, c, normOutputs(s)));
        Reparameterization first = r.applied().get(0);

        Reparameterization unknownNorm = new Reparameterization(first.kind(), "nowhere", first.linears(), first.scale(),
                first.shift());
        assertThatThrownBy(() -> Reparameterizations.apply(model, s, List.of(unknownNorm)))
                .isInstanceOf(UserException.class).hasMessageContaining("'nowhere'");
        Reparameterization fewerLinears = new Reparameterization(first.kind(), first.norm(), first.linears().subList(0, 1),
                first.scale(), first.shift());
        assertThatThrownBy(() -> Reparameterizations.apply(model, s, List.of(fewerLinears)))
                .isInstanceOf(UserException.class).hasMessageContaining("another model");
        Reparameterization wrongWidth = new Reparameterization(first.kind(), first.norm(), first.linears(),
                new float[] {1f, 2f}, new float[] {0f, 0f});
        assertThatThrownBy(() -> Reparameterizations.apply(model, s, List.of(wrongWidth)))
                .isInstanceOf(UserException.class);
        // a different model of the same shape rejects nothing, but the TIMM export names other nodes
        Model timm = TinyVitBuilder.build(config(ExportStyle.TIMM, 17));
        assertThatThrownBy(() -> Reparameterizations.apply(timm, structure(timm), r.applied()))
                .isInstanceOf(UserException.class);
    }
}

