package io.vitshrink.workbench.inspect;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.ClassifierHead;
import io.vitshrink.onnx.vit.Embedding;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.Unrecognized;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Renders an {@link AnalyzedModel} for people (text) and for scripts (flat JSON). */
public final class InspectionReport {
    private final String name;
    private final long fileBytes;
    private final AnalyzedModel analyzed;

    public InspectionReport(String name, long fileBytes, AnalyzedModel analyzed) {
        this.name = name;
        this.fileBytes = fileBytes;
        this.analyzed = analyzed;
    }

    public JsonResult json() {
        Model m = analyzed.model();
        ModelCost cost = analyzed.cost();
        VitStructure s = analyzed.structure();
        JsonResult j = new JsonResult()
                .put("model", name)
                .put("size_bytes", fileBytes)
                .put("ir_version", m.irVersion())
                .put("opset", m.opset())
                .put("producer", (m.producerName() + " " + m.producerVersion()).strip())
                .put("inputs", m.graph().feedInputs().stream().map(v -> v.name() + " " + v.type() + v.shapeString()).toList())
                .put("outputs", m.graph().outputs().stream().map(v -> v.name() + " " + v.type() + v.shapeString()).toList())
                .put("nodes", m.graph().nodes().size())
                .put("params", cost.params())
                .put("macs", cost.macs())
                .put("flops", cost.flops())
                .put("bops_w8a8", cost.bops(8, 8))
                .put("vit_recognized", s.isVit())
                .put("blocks", s.blocks().size());
        if (s.isVit()) {
            TransformerBlock b0 = s.blocks().get(0);
            Attention a = b0.attention();
            j.put("width", a.proj().outFeatures())
                    .put("heads", a.heads())
                    .put("head_dim", a.headDim())
                    .put("mlp_hidden", b0.mlp().hiddenFeatures())
                    .put("tokens", a.tokens())
                    .put("hierarchical", s.isHierarchical())
                    .put("attention_style", s.attentionStyle())
                    .put("norm_style", s.normStyle())
                    .put("activation", s.activationStyle());
        }
        Embedding e = s.embedding();
        if (e != null) {
            j.put("patch_size", e.patchSize()).put("class_token", e.classToken() != null)
                    .put("position_embedding", e.positionEmbedding() != null);
        }
        ClassifierHead h = s.head();
        if (h != null && h.head() != null) {
            j.put("classes", h.head().outFeatures()).put("pooling", h.pooling().name().toLowerCase());
        }
        j.put("block_macs", s.blocks().stream().map(b -> cost.subtotal(b.nodes()).macs()).toList());
        j.put("block_params", s.blocks().stream().map(b -> cost.subtotal(b.nodes()).params()).toList());
        j.put("unrecognized", s.unrecognized().size());
        j.put("unrecognized_nodes", s.unrecognized().stream().map(InspectionReport::describe).toList());
        return j;
    }

    public String text() {
        Model m = analyzed.model();
        ModelCost cost = analyzed.cost();
        VitStructure s = analyzed.structure();
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append(String.format("model       %s (%s, IR %d, opset %d, %s)%n", name, Table.bytes(fileBytes), m.irVersion(),
                m.opset(), (m.producerName() + " " + m.producerVersion()).strip()));
        for (ValueInfo v : m.graph().feedInputs()) {
            sb.append(String.format("input       %s %s %s%n", v.name(), v.type(), v.shapeString()));
        }
        for (ValueInfo v : m.graph().outputs()) {
            sb.append(String.format("output      %s %s %s%n", v.name(), v.type(), v.shapeString()));
        }
        sb.append(String.format("params      %,d (float32 %s, int8 %s, int4 %s)%n", cost.params(), Table.bytes(cost.bytesAtBits(32)),
                Table.bytes(cost.bytesAtBits(8)), Table.bytes(cost.bytesAtBits(4))));
        sb.append(String.format("MACs        %s per image (FLOPs %s, BOPs at W8A8 %s)%n", Table.si(cost.macs()),
                Table.si(cost.flops()), Table.si(cost.bops(8, 8))));
        if (!s.isVit()) {
            sb.append("structure   no transformer block recognized").append(nl);
        } else {
            TransformerBlock b0 = s.blocks().get(0);
            Embedding e = s.embedding();
            sb.append(String.format("structure   ViT%s: %d blocks, width %d, %d heads × %d, MLP %d, %d tokens%s%n",
                    s.isHierarchical() ? " (hierarchical)" : "", s.blocks().size(), b0.attention().proj().outFeatures(),
                    b0.attention().heads(), b0.attention().headDim(), b0.mlp().hiddenFeatures(), b0.attention().tokens(),
                    e != null && e.patchSize() > 0 ? ", patch " + e.patchSize() : ""));
            sb.append(String.format("            %s; norm: %s; activation: %s%n", s.attentionStyle(), s.normStyle(),
                    s.activationStyle()));
            if (e != null) {
                sb.append(String.format("embedding   patch conv %s, class token %s, position embedding %s%n",
                        e.patchConv() == null ? "-" : e.patchConv().name(), orDash(e.classToken()), orDash(e.positionEmbedding())));
            }
            if (s.head() != null && s.head().head() != null) {
                sb.append(String.format("head        %s → %d classes (pooling: %s, final norm: %s)%n", s.head().head().name(),
                        s.head().head().outFeatures(), s.head().pooling().name().toLowerCase(),
                        s.head().finalNorm() == null ? "none" : "yes"));
            }
            if (!s.downsamples().isEmpty()) {
                sb.append("downsample  ").append(s.downsamples().stream().map(l -> l.name()).collect(Collectors.joining(", "))).append(nl);
            }
            sb.append(nl);
            Table t = new Table("block", "MACs", "params", "heads", "tokens", "width", "mlp", "qkv", "proj");
            Set<String> inBlocks = new HashSet<>();
            for (TransformerBlock b : s.blocks()) {
                ModelCost.Subtotal sub = cost.subtotal(b.nodes());
                inBlocks.addAll(b.nodes());
                Attention a = b.attention();
                t.row(b.index(), Table.si(sub.macs()), String.format("%,d", sub.params()), a.heads(), a.tokens(),
                        a.proj().outFeatures(), b.mlp().hiddenFeatures(), a.fusedQkv() ? a.q().name() : a.q().name() + " (+k,v)",
                        a.proj().name());
            }
            List<String> rest = new ArrayList<>();
            m.graph().nodes().forEach(n -> {
                if (!inBlocks.contains(n.name())) {
                    rest.add(n.name());
                }
            });
            ModelCost.Subtotal outside = cost.subtotal(rest);
            t.row("other", Table.si(outside.macs()), String.format("%,d", outside.params()), "", "", "", "", "embedding, head", "");
            sb.append(t.render());
        }
        sb.append(nl);
        if (s.unrecognized().isEmpty()) {
            sb.append("unrecognized: none").append(nl);
        } else {
            sb.append("unrecognized: ").append(s.unrecognized().size()).append(nl);
            s.unrecognized().forEach(u -> sb.append("  ").append(describe(u)).append(nl));
        }
        return sb.toString();
    }

    private static String describe(Unrecognized u) {
        return u.node() + " (" + u.opType() + "): " + u.reason();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
