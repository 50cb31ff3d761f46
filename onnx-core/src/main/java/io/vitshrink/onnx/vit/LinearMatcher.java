package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds every Linear in a graph: MatMul with a rank-2 constant right operand, or Gemm with a
 * constant B, with the bias Add that follows when there is one. Indexes them by node, by input and
 * by output value.
 */
final class LinearMatcher {
    private final Map<String, Linear> byNode = new LinkedHashMap<>();
    private final Map<String, Linear> byOutput = new LinkedHashMap<>();

    LinearMatcher(Graph graph, GraphWalks walks) {
        for (Node n : graph.nodes()) {
            match(graph, walks, n).ifPresent(l -> {
                byNode.put(n.name(), l);
                byOutput.put(l.output(), l);
            });
        }
    }

    private static Optional<Linear> match(Graph g, GraphWalks walks, Node n) {
        if (n.is("MatMul")) {
            Tensor w = weight(g, n.input(1));
            if (w == null || w.rank() != 2 || walks.isConstant(n.input(0))) {
                return Optional.empty();
            }
            long out = w.dim(1);
            Node biasAdd = null;
            String bias = null;
            List<Node> consumers = g.consumers(n.output(0));
            if (consumers.size() == 1 && consumers.get(0).is("Add") && !g.isGraphOutput(n.output(0))) {
                Node add = consumers.get(0);
                String other = add.input(0).equals(n.output(0)) ? add.input(1) : add.input(0);
                Tensor b = g.constant(other).orElse(null);
                if (b != null && b.numel() == out && b.rank() <= 1) {
                    biasAdd = add;
                    bias = other;
                }
            }
            String output = biasAdd != null ? biasAdd.output(0) : n.output(0);
            return Optional.of(new Linear(n, weightName(g, n.input(1)), false, w.dim(0), out, biasAdd, bias, output));
        }
        if (n.is("Gemm")) {
            Tensor w = weight(g, n.input(1));
            if (w == null || w.rank() != 2 || n.intAttr("transA", 0) != 0) {
                return Optional.empty();
            }
            boolean transB = n.intAttr("transB", 0) == 1;
            long in = transB ? w.dim(1) : w.dim(0);
            long out = transB ? w.dim(0) : w.dim(1);
            String bias = n.input(2).isEmpty() ? null : n.input(2);
            return Optional.of(new Linear(n, weightName(g, n.input(1)), transB, in, out, null, bias, n.output(0)));
        }
        return Optional.empty();
    }

    /** The weight tensor behind a value: a constant, or a Transpose of one (some exporters write that). */
    private static Tensor weight(Graph g, String value) {
        Optional<Tensor> direct = g.constant(value);
        if (direct.isPresent()) {
            return direct.get();
        }
        Node p = g.producer(value).orElse(null);
        if (p != null && p.is("DequantizeLinear")) {
            return g.constant(p.input(0)).orElse(null); // a quantized weight, stored as integers
        }
        if (p != null && p.is("Transpose")) {
            Tensor t = g.constant(p.input(0)).orElse(null);
            if (t != null && t.rank() == 2) {
                return t.reshaped(new long[] {t.dim(1), t.dim(0)});
            }
        }
        return null;
    }

    private static String weightName(Graph g, String value) {
        if (g.constant(value).isPresent()) {
            return value;
        }
        return g.producer(value).map(p -> p.input(0)).orElse(value);
    }

    Optional<Linear> byNode(String nodeName) {
        return Optional.ofNullable(byNode.get(nodeName));
    }

    Optional<Linear> byOutput(String value) {
        return Optional.ofNullable(byOutput.get(value));
    }

    java.util.Collection<Linear> all() {
        return byNode.values();
    }
}
