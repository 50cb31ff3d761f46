package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import java.util.Optional;

/** Recognizes a layer normalization that ends at a given value (fused op or PyTorch's op chain). */
final class LayerNormMatcher {
    private final Graph graph;
    private final GraphWalks walks;

    LayerNormMatcher(GraphWalks walks) {
        this.graph = walks.graph();
        this.walks = walks;
    }

    Optional<LayerNorm> endingAt(String value) {
        Node p = graph.producer(value).orElse(null);
        if (p == null) {
            return Optional.empty();
        }
        if (p.is("LayerNormalization")) {
            return Optional.of(new LayerNorm(p.input(0), value, emptyToNull(p.input(1)), emptyToNull(p.input(2)), false,
                    java.util.Set.of(p.name())));
        }
        // Decomposed: [Add beta] ← [Mul gamma] ← Div(Sub(x, ReduceMean(x)), Sqrt(Add(ReduceMean(Pow(Sub)), eps)))
        String bias = null;
        String scale = null;
        Node cur = p;
        if (cur.is("Add") && walks.variableOperand(cur) != null) {
            bias = other(cur, walks.variableOperand(cur));
            cur = graph.producer(walks.variableOperand(cur)).orElse(null);
        }
        if (cur != null && cur.is("Mul") && walks.variableOperand(cur) != null) {
            scale = other(cur, walks.variableOperand(cur));
            cur = graph.producer(walks.variableOperand(cur)).orElse(null);
        }
        if (cur == null || !cur.is("Div")) {
            return Optional.empty();
        }
        Node sub = graph.producer(cur.input(0)).orElse(null);
        Node sqrt = graph.producer(cur.input(1)).orElse(null);
        if (sub == null || !sub.is("Sub") || sqrt == null || !sqrt.is("Sqrt")) {
            return Optional.empty();
        }
        Node mean = graph.producer(sub.input(1)).orElse(null);
        if (mean == null || !mean.is("ReduceMean") || !mean.input(0).equals(sub.input(0))) {
            return Optional.empty();
        }
        String x = sub.input(0);
        return Optional.of(new LayerNorm(x, value, scale, bias, true, walks.nodesBetween(x, value)));
    }

    private static String other(Node binary, String variable) {
        return binary.input(0).equals(variable) ? binary.input(1) : binary.input(0);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
