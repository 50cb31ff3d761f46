package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small graph walks the matchers share: stepping over ops that only move data around ("layout ops":
 * Reshape, Transpose, Gather, Split, …), over scalings by a constant, and collecting the nodes that
 * lie between two values.
 */
final class GraphWalks {
    /** Ops that rearrange or select data without computing on it. */
    static final Set<String> LAYOUT_OPS = Set.of("Reshape", "Transpose", "Gather", "Split", "Slice", "Squeeze",
            "Unsqueeze", "Flatten", "Identity", "Dropout", "Cast", "Expand", "Pad", "Concat", "DepthToSpace",
            "SpaceToDepth", "QuantizeLinear", "DequantizeLinear");

    private static final int MAX_STEPS = 40;

    private final Graph graph;
    /** Answers of {@link #isConstant}; the graph does not change while a recognizer walks it. */
    private final Map<String, Boolean> constants = new HashMap<>();

    GraphWalks(Graph graph) {
        this.graph = graph;
    }

    Graph graph() {
        return graph;
    }

    boolean isConstant(String value) {
        Boolean known = constants.get(value);
        if (known != null) {
            return known;
        }
        // A loop, not recursion: a file may chain any number of Identity/Cast nodes. Every value on the
        // chain gets the answer of its end, so that asking along the chain stays linear. The graph is
        // acyclic (the loader checks); the step cap keeps an edited graph with a cycle from spinning.
        List<String> chain = new ArrayList<>();
        String v = value;
        boolean constant = false;
        for (int steps = 0; steps <= graph.nodes().size(); steps++) {
            known = constants.get(v);
            if (known != null) {
                constant = known;
                break;
            }
            chain.add(v);
            if (v.isEmpty() || graph.constant(v).isPresent()) {
                constant = true;
                break;
            }
            // Values computed from constants only count too: an unfolded Identity/Cast, and quantized
            // weights (DequantizeLinear of an integer initializer).
            Node p = graph.producer(v).orElse(null);
            if (p == null || !(p.is("Identity") || p.is("Cast") || p.is("DequantizeLinear"))) {
                break;
            }
            v = p.input(0);
        }
        for (String c : chain) {
            constants.put(c, constant);
        }
        return constant;
    }

    /** The non-constant operand of a binary op with exactly one constant operand, or null. */
    String variableOperand(Node n) {
        if (n.inputs().size() != 2) {
            return null;
        }
        boolean c0 = isConstant(n.input(0));
        boolean c1 = isConstant(n.input(1));
        if (c0 == c1) {
            return null;
        }
        return c0 ? n.input(1) : n.input(0);
    }

    /** The data input a layout op moves (the first input, or for Concat the only non-constant one). */
    String dataInput(Node n) {
        if (n.is("Concat")) {
            String only = null;
            for (String in : n.inputs()) {
                if (!isConstant(in)) {
                    if (only != null) {
                        return n.input(0);
                    }
                    only = in;
                }
            }
            return only;
        }
        return n.input(0);
    }

    /** Whether a node multiplies or divides by a constant (a scaling exporters put on q or scores). */
    boolean isConstantScale(Node n) {
        return (n.is("Mul") || n.is("Div")) && variableOperand(n) != null;
    }

    /**
     * Walks upward from {@code value} through layout ops and constant scalings until {@code stop}
     * accepts a value; returns that value or null.
     */
    String walkUp(String value, java.util.function.Predicate<String> stop, Set<String> alsoPassing) {
        String v = value;
        for (int i = 0; i < MAX_STEPS && v != null; i++) {
            if (stop.test(v)) {
                return v;
            }
            Node p = graph.producer(v).orElse(null);
            if (p == null) {
                return null;
            }
            if (LAYOUT_OPS.contains(p.opType()) || alsoPassing.contains(p.opType())) {
                v = dataInput(p);
            } else if (isConstantScale(p)) {
                v = variableOperand(p);
            } else {
                return null;
            }
        }
        return null;
    }

    /** The first scaling node met walking up from {@code value} through layout ops, or null. */
    Node scaleAbove(String value, String stopAt) {
        String v = value;
        for (int i = 0; i < MAX_STEPS && v != null && !v.equals(stopAt); i++) {
            Node p = graph.producer(v).orElse(null);
            if (p == null) {
                return null;
            }
            if (isConstantScale(p)) {
                return p;
            }
            if (!LAYOUT_OPS.contains(p.opType())) {
                return null;
            }
            v = dataInput(p);
        }
        return null;
    }

    /**
     * Breadth-first walk downward from {@code value} through layout ops and constant scalings;
     * returns the first consumer accepted by {@code target}, or null.
     */
    Node walkDown(String value, java.util.function.BiPredicate<Node, String> target) {
        Deque<String> queue = new ArrayDeque<>(List.of(value));
        Set<String> seen = new HashSet<>();
        int steps = 0;
        while (!queue.isEmpty() && steps++ < MAX_STEPS * 4) {
            String v = queue.poll();
            if (!seen.add(v)) {
                continue;
            }
            for (Node c : graph.consumers(v)) {
                if (target.test(c, v)) {
                    return c;
                }
                if (LAYOUT_OPS.contains(c.opType()) || isConstantScale(c)) {
                    c.outputs().stream().filter(o -> !o.isEmpty()).forEach(queue::add);
                }
            }
        }
        return null;
    }

    /**
     * {@link #nodesBetween} plus the nodes that compute constants for them (a DequantizeLinear of a
     * stored weight, a Constant, a Transpose of an initializer): what a part of the model owns.
     */
    Set<String> nodesOwnedBetween(String from, String to) {
        Set<String> owned = new HashSet<>(nodesBetween(from, to));
        Deque<String> queue = new ArrayDeque<>(owned);
        while (!queue.isEmpty()) {
            Node n = graph.node(queue.poll()).orElse(null);
            if (n == null) {
                continue;
            }
            for (String in : n.inputs()) {
                Node p = graph.producer(in).orElse(null);
                if (p != null && isConstant(in) && owned.add(p.name())) {
                    queue.add(p.name());
                }
            }
        }
        return owned;
    }

    /** Names of nodes lying on a path from {@code from} to {@code to} (inclusive of {@code to}'s producer). */
    Set<String> nodesBetween(String from, String to) {
        Set<Node> down = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        Set<String> seenValues = new HashSet<>();
        while (!queue.isEmpty()) {
            String v = queue.poll();
            if (!seenValues.add(v)) {
                continue;
            }
            for (Node c : graph.consumers(v)) {
                if (down.add(c)) {
                    c.outputs().forEach(queue::add);
                }
            }
        }
        Set<String> result = new HashSet<>();
        Deque<String> up = new ArrayDeque<>(List.of(to));
        Set<String> seenUp = new HashSet<>();
        while (!up.isEmpty()) {
            String v = up.poll();
            if (v.equals(from) || !seenUp.add(v)) {
                continue;
            }
            Node p = graph.producer(v).orElse(null);
            if (p != null && down.contains(p) && result.add(p.name())) {
                up.addAll(p.inputs());
            }
        }
        return result;
    }
}
