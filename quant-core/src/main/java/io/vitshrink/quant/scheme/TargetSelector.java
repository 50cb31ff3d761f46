package io.vitshrink.quant.scheme;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a scheme into quantization targets. The rule is op-level — every MatMul, Gemm and Conv gets
 * its constant weight and its activation inputs quantized — so it also works on models whose ViT
 * structure is not recognized; the recognized structure only names the products (qkv, fc2, …) and
 * their blocks, which edge bits and block exclusions use.
 */
public final class TargetSelector {
    private static final Set<String> PRODUCTS = Set.of("MatMul", "Gemm", "Conv");

    /** Targets plus notes for the user (fallbacks, rules that matched nothing). */
    public record Selection(List<QuantTarget> targets, List<String> notes) {
    }

    private TargetSelector() {
    }

    public static Selection select(AnalyzedModel analyzed, QuantScheme scheme) {
        Graph g = analyzed.model().graph();
        VitStructure s = analyzed.structure();
        List<String> notes = new ArrayList<>();
        if (!s.isVit()) {
            notes.add("the ViT structure was not recognized: quantizing at op level (every MatMul/Gemm/Conv), "
                    + "without edge bits or block exclusions");
        }
        Map<String, ProductRole> roles = new HashMap<>();
        Map<String, Integer> blockOf = new HashMap<>();
        label(s, roles, blockOf);
        List<Pattern> patterns = new ArrayList<>();
        for (String glob : scheme.excludeNodes()) {
            Pattern p = globToRegex(glob);
            if (g.nodes().stream().noneMatch(n -> p.matcher(n.name()).matches())) {
                throw new UserException("the scheme excludes nodes matching '" + glob
                        + "', but no node of the model has such a name (see `vitshrink inspect` for node names)");
            }
            patterns.add(p);
        }
        for (int b : scheme.excludeBlocks()) {
            if (b >= s.blocks().size()) {
                throw new UserException("the scheme excludes block " + b + ", but the model has "
                        + s.blocks().size() + " recognized blocks (0–" + (s.blocks().size() - 1) + ")");
            }
        }
        for (String op : scheme.excludeOpTypes()) {
            if (g.nodes().stream().noneMatch(n -> n.opType().equals(op))) {
                notes.add("the scheme excludes op type " + op + ", which the model does not use");
            }
        }

        Map<String, List<String>> weightConsumers = new LinkedHashMap<>();
        Map<String, Integer> weightAxis = new HashMap<>();
        Map<String, Integer> weightBits = new HashMap<>();
        Map<String, List<String>> actConsumers = new LinkedHashMap<>();
        Map<String, Integer> actBits = new HashMap<>();
        Map<String, Node> firstConsumer = new HashMap<>();
        for (Node n : g.topologicalOrder()) {
            if (!PRODUCTS.contains(n.opType()) || !n.domain().isEmpty() || excluded(n, scheme, patterns, blockOf)) {
                continue;
            }
            ProductRole role = roles.getOrDefault(n.name(), ProductRole.OTHER);
            boolean edge = scheme.edgeBits() > 0 && (role == ProductRole.PATCH_EMBED || role == ProductRole.HEAD);
            int wBits = edge ? scheme.edgeBits() : scheme.weightBits();
            int aBits = edge ? Math.max(scheme.edgeBits(), scheme.activationBits()) : scheme.activationBits();
            String weight = n.input(1);
            boolean constantWeight = g.isInitializer(weight);
            if (constantWeight) {
                int axis = n.is("Gemm") ? (n.intAttr("transB", 0) == 1 ? 0 : 1) : n.is("Conv") ? 0 : 1;
                if (n.is("MatMul") && g.initializer(weight).orElseThrow().rank() != 2) {
                    notes.add("kept " + n.name() + " weight in float: not a 2-D MatMul weight");
                } else {
                    weightConsumers.computeIfAbsent(weight, k -> new ArrayList<>()).add(n.name());
                    weightAxis.putIfAbsent(weight, axis);
                    weightBits.merge(weight, wBits, Math::max);
                    firstConsumer.putIfAbsent(weight, n);
                }
            } else if (g.constant(weight).isPresent() || g.producer(weight).map(p -> !p.is("Constant")
                    && p.inputs().stream().allMatch(g::isInitializer)).orElse(false)) {
                notes.add("kept " + n.name() + " weight in float: it is not a plain initializer");
                constantWeight = true;
            }
            if (!scheme.quantizesActivations()) {
                continue;
            }
            int inputs = constantWeight ? 1 : 2;
            for (int i = 0; i < inputs; i++) {
                String in = n.input(i);
                if (in.isEmpty() || g.constant(in).isPresent()) {
                    continue;
                }
                List<String> cons = actConsumers.computeIfAbsent(in, k -> new ArrayList<>());
                if (!cons.contains(n.name())) {
                    cons.add(n.name());
                }
                actBits.merge(in, aBits, Math::max);
                firstConsumer.putIfAbsent(in, n);
            }
        }
        List<QuantTarget> targets = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : weightConsumers.entrySet()) {
            String w = e.getKey();
            Node first = firstConsumer.get(w);
            Granularity gran = scheme.weightGranularity();
            if (gran == Granularity.PER_GROUP && g.initializer(w).orElseThrow().rank() != 2) {
                gran = Granularity.PER_CHANNEL; // convolutions are quantized per channel
            }
            UniformSpec spec = UniformSpec.weights(weightBits.get(w), gran, scheme.groupSize());
            targets.add(new QuantTarget(w, TensorRole.WEIGHT, e.getValue(), spec, weightAxis.get(w),
                    roles.getOrDefault(first.name(), ProductRole.OTHER), blockOf.getOrDefault(first.name(), -1)));
        }
        for (Map.Entry<String, List<String>> e : actConsumers.entrySet()) {
            Node first = firstConsumer.get(e.getKey());
            targets.add(new QuantTarget(e.getKey(), TensorRole.ACTIVATION, e.getValue(),
                    UniformSpec.activations(actBits.get(e.getKey())), -1,
                    roles.getOrDefault(first.name(), ProductRole.OTHER), blockOf.getOrDefault(first.name(), -1)));
        }
        if (targets.isEmpty()) {
            throw new UserException("the scheme leaves nothing to quantize (every product is excluded)");
        }
        return new Selection(targets, notes);
    }

    private static boolean excluded(Node n, QuantScheme s, List<Pattern> patterns, Map<String, Integer> blockOf) {
        if (s.excludeOpTypes().contains(n.opType())) {
            return true;
        }
        Integer b = blockOf.get(n.name());
        if (b != null && s.excludeBlocks().contains(b)) {
            return true;
        }
        return patterns.stream().anyMatch(p -> p.matcher(n.name()).matches());
    }

    static Pattern globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                sb.append(".*");
            } else if (c == '?') {
                sb.append('.');
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }

    private static void label(VitStructure s, Map<String, ProductRole> roles, Map<String, Integer> blockOf) {
        for (TransformerBlock b : s.blocks()) {
            b.nodes().forEach(n -> blockOf.put(n, b.index()));
            Attention a = b.attention();
            if (a.fusedQkv()) {
                roles.put(a.q().name(), ProductRole.QKV);
            } else {
                roles.put(a.q().name(), ProductRole.Q);
                roles.put(a.k().name(), ProductRole.K);
                roles.put(a.v().name(), ProductRole.V);
            }
            roles.put(a.scores().name(), ProductRole.ATTN_SCORES);
            roles.put(a.context().name(), ProductRole.ATTN_CONTEXT);
            roles.put(a.proj().name(), ProductRole.PROJ);
            roles.put(b.mlp().fc1().name(), ProductRole.FC1);
            roles.put(b.mlp().fc2().name(), ProductRole.FC2);
        }
        if (s.embedding() != null && s.embedding().patchConv() != null) {
            roles.put(s.embedding().patchConv().name(), ProductRole.PATCH_EMBED);
        }
        if (s.head() != null && s.head().head() != null) {
            roles.put(s.head().head().name(), ProductRole.HEAD);
        }
        for (Linear l : s.downsamples()) {
            roles.put(l.name(), ProductRole.DOWNSAMPLE);
        }
    }
}
