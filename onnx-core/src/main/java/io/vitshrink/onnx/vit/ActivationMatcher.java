package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognizes the activation that starts at a value: the {@code Gelu} op, or the largest region of
 * element-wise nodes fed only by that value and constants (GELU's Erf and Tanh forms,
 * x·sigmoid(1.702x), …) that has exactly one exit.
 */
final class ActivationMatcher {
    private static final Set<String> ELEMENTWISE = Set.of("Div", "Mul", "Add", "Sub", "Erf", "Tanh", "Pow",
            "Sigmoid", "Sqrt");
    private final Graph graph;
    private final GraphWalks walks;

    ActivationMatcher(GraphWalks walks) {
        this.graph = walks.graph();
        this.walks = walks;
    }

    Optional<Activation> startingAt(String value) {
        List<Node> consumers = graph.consumers(value);
        if (consumers.size() == 1) {
            Node c = consumers.get(0);
            if (c.opType().equals("Gelu") || c.opType().equals("FastGelu")) {
                return Optional.of(new Activation(Activation.Kind.GELU_OP, value, c.output(0), Set.of(c.name())));
            }
            if (c.is("Relu")) {
                return Optional.of(new Activation(Activation.Kind.RELU, value, c.output(0), Set.of(c.name())));
            }
        }
        Set<Node> region = new HashSet<>();
        Set<String> produced = new HashSet<>(List.of(value));
        Deque<String> queue = new ArrayDeque<>(List.of(value));
        while (!queue.isEmpty()) {
            String v = queue.poll();
            for (Node c : graph.consumers(v)) {
                if (region.contains(c) || !ELEMENTWISE.contains(c.opType()) || !c.domain().isEmpty()) {
                    continue;
                }
                boolean fedByRegion = c.inputs().stream().allMatch(in -> produced.contains(in) || walks.isConstant(in));
                if (fedByRegion) {
                    region.add(c);
                    produced.add(c.output(0));
                    queue.add(c.output(0));
                }
            }
        }
        // The exit: the one region value read outside the region.
        String exit = null;
        for (Node n : region) {
            String out = n.output(0);
            boolean readOutside = graph.consumers(out).stream().anyMatch(c -> !region.contains(c)) || graph.isGraphOutput(out);
            if (readOutside) {
                if (exit != null) {
                    return Optional.empty();
                }
                exit = out;
            }
        }
        if (exit == null) {
            return Optional.empty();
        }
        boolean valueReadOutside = graph.consumers(value).stream().anyMatch(c -> !region.contains(c));
        if (valueReadOutside) {
            return Optional.empty();
        }
        Set<String> names = new HashSet<>();
        region.forEach(n -> names.add(n.name()));
        boolean erf = region.stream().anyMatch(n -> n.is("Erf"));
        boolean tanh = region.stream().anyMatch(n -> n.is("Tanh"));
        boolean sigmoid = region.stream().anyMatch(n -> n.is("Sigmoid"));
        Activation.Kind kind = erf ? Activation.Kind.GELU_ERF : tanh ? Activation.Kind.GELU_TANH
                : sigmoid ? Activation.Kind.QUICK_GELU : Activation.Kind.OTHER;
        if (kind == Activation.Kind.OTHER) {
            return Optional.empty();
        }
        return Optional.of(new Activation(kind, value, exit, names));
    }
}
