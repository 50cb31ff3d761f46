package io.vitshrink.onnx.cost;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the cost of each node for one image.
 *
 * <p>Conventions (stated once, used everywhere): MACs are counted for matrix products (MatMul,
 * Gemm, quantized and n-bit MatMul variants) and convolutions as output elements × reduction length.
 * FLOPs are 2 × MACs for those, plus one per output element for element-wise ops (Add, Mul, Erf, …,
 * each transcendental counted as one), one per input element for reductions, 4 per element for
 * Softmax (max-subtract, exp, sum, divide), 7 per element for {@code LayerNormalization} and 5 for
 * the {@code Gelu} op — the same totals as their decomposed forms, so fused and decomposed exports
 * report the same FLOPs. Reshapes, transposes, gathers and casts cost nothing.
 */
public final class CostModel {
    private static final Set<String> PRODUCTS = Set.of("MatMul", "Gemm", "MatMulInteger", "QLinearMatMul",
            "MatMulNBits", "FusedMatMul");
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh",
            "Sigmoid", "Relu", "Exp", "Log", "Neg", "Abs", "Clip", "Round", "Max", "Min", "Where", "Reciprocal",
            "Floor", "Ceil", "QuantizeLinear", "DequantizeLinear", "BiasGelu", "Equal", "Less", "Greater", "Not");
    private static final Set<String> REDUCTIONS = Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
            "GlobalAveragePool", "ReduceL2");

    private CostModel() {
    }

    public static ModelCost of(Model model, ValueShapes shapes) {
        Graph g = model.graph();
        Set<String> paramTensors = new HashSet<>();
        Set<String> quantizedWeights = new HashSet<>();
        Set<String> quantizationParams = new HashSet<>();
        for (Node n : g.nodes()) {
            if (n.is("DequantizeLinear") && g.isInitializer(n.input(0))) {
                quantizedWeights.add(n.input(0));
            }
            if (n.is("DequantizeLinear") || n.is("QuantizeLinear")) {
                quantizationParams.add(n.input(1)); // scales and zero points describe a quantizer,
                quantizationParams.add(n.input(2)); // they are not weights of the network
            }
        }
        long params = 0;
        long stored = 0;
        long other = 0;
        for (Tensor t : g.initializers().values()) {
            stored += t.sizeBytes();
            boolean weight = isParameter(t) && !quantizationParams.contains(t.name())
                    || quantizedWeights.contains(t.name()) && t.numel() > 1;
            if (weight) {
                paramTensors.add(t.name());
                params += t.numel();
            } else {
                other += t.sizeBytes();
            }
        }
        List<NodeCost> costs = new ArrayList<>();
        Set<String> owned = new HashSet<>();
        for (Node n : g.nodes()) {
            long nodeParams = 0;
            long nodeNonzero = 0;
            for (String in : n.inputs()) {
                if (paramTensors.contains(in) && owned.add(in)) {
                    Tensor t = g.initializers().get(in);
                    nodeParams += t.numel();
                    nodeNonzero += nonzeros(t);
                }
            }
            NodeCost c = cost(g, n, shapes, nodeParams);
            costs.add(new NodeCost(c.node(), c.opType(), c.kind(), c.macs(), c.flops(), c.params(),
                    effectiveMacs(g, n, c), nodeNonzero));
        }
        return new ModelCost(costs, params, stored, other);
    }

    /**
     * A parameter is a floating-point initializer with more than one element; in a quantized model,
     * also an integer initializer read by a DequantizeLinear (a stored low-bit weight), but not the
     * scales and zero points of quantizers.
     */
    public static boolean isParameter(Tensor t) {
        return t.type().isFloatingPoint() && t.numel() > 1;
    }

    private static NodeCost cost(Graph g, Node n, ValueShapes shapes, long params) {
        String op = n.opType();
        long outNumel = n.outputs().isEmpty() ? 0 : shapes.numel(n.output(0));
        if (PRODUCTS.contains(op)) {
            long k = reductionLength(g, n, shapes);
            long macs = outNumel * k;
            boolean weighted = n.inputs().stream().skip(1).limit(1).anyMatch(in -> isConstantLike(g, in));
            return new NodeCost(n.name(), op, weighted ? NodeCost.Kind.WEIGHT_PRODUCT : NodeCost.Kind.ACTIVATION_PRODUCT,
                    macs, 2 * macs, params);
        }
        if (op.equals("Conv")) {
            long[] w = shapes.of(n.input(1)).orElse(null);
            long perOut = 1;
            if (w != null) {
                for (int i = 1; i < w.length; i++) {
                    perOut *= w[i];
                }
            }
            long macs = outNumel * perOut;
            return new NodeCost(n.name(), op, NodeCost.Kind.WEIGHT_PRODUCT, macs, 2 * macs, params);
        }
        if (op.equals("Softmax")) {
            return new NodeCost(n.name(), op, NodeCost.Kind.SOFTMAX, 0, 4 * outNumel, params);
        }
        if (op.equals("LayerNormalization")) {
            return new NodeCost(n.name(), op, NodeCost.Kind.NORMALIZATION, 0, 7 * outNumel, params);
        }
        if (op.equals("Gelu") || op.equals("FastGelu")) {
            return new NodeCost(n.name(), op, NodeCost.Kind.ELEMENTWISE, 0, 5 * outNumel, params);
        }
        if (ELEMENTWISE.contains(op)) {
            return new NodeCost(n.name(), op, NodeCost.Kind.ELEMENTWISE, 0, outNumel, params);
        }
        if (REDUCTIONS.contains(op)) {
            return new NodeCost(n.name(), op, NodeCost.Kind.REDUCTION, 0, shapes.numel(n.input(0)), params);
        }
        return new NodeCost(n.name(), op, NodeCost.Kind.DATA_MOVEMENT, 0, 0, params);
    }

    /**
     * MACs left when products by zero weights are skipped: each weight element is used the same number
     * of times, so the effective MACs are the MACs times the weight's non-zero fraction.
     */
    private static long effectiveMacs(Graph g, Node n, NodeCost c) {
        if (c.kind() != NodeCost.Kind.WEIGHT_PRODUCT || c.macs() == 0 || n.inputs().size() < 2) {
            return c.macs();
        }
        Tensor w = constantBehind(g, n.input(1));
        if (w == null || w.numel() == 0) {
            return c.macs(); // a computed weight: counted dense
        }
        return Math.round(c.macs() * ((double) nonzeros(w) / w.numel()));
    }

    /** Stored elements that are not zero (an element type vitshrink cannot read counts as dense). */
    private static long nonzeros(Tensor t) {
        long n = 0;
        switch (t.type()) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> {
                for (float v : t.toFloats()) {
                    n += v != 0f ? 1 : 0;
                }
            }
            case INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64, INT4, UINT4 -> {
                for (long v : t.toLongs()) {
                    n += v != 0 ? 1 : 0;
                }
            }
            default -> n = t.numel();
        }
        return n;
    }

    /** The constant a product's weight input reads, through Transposes/Reshapes/Casts, or null. */
    private static Tensor constantBehind(Graph g, String value) {
        String v = value;
        for (int steps = 0; steps <= g.nodes().size(); steps++) {
            java.util.Optional<Tensor> t = g.constant(v);
            if (t.isPresent()) {
                return t.get();
            }
            Node p = g.producer(v).orElse(null);
            // int8/int4 weights of symmetric quantizers store an exact zero as 0
            if (p == null || !(p.is("Transpose") || p.is("Cast") || p.is("Reshape") || p.is("DequantizeLinear"))) {
                return null;
            }
            v = p.input(0);
        }
        return null;
    }

    /** K of an [M, K] × [K, N] product. */
    private static long reductionLength(Graph g, Node n, ValueShapes shapes) {
        String op = n.opType();
        long[] a = shapes.of(n.input(0)).orElse(null);
        if (a == null || a.length == 0) {
            return 0;
        }
        if (op.equals("Gemm")) {
            return n.intAttr("transA", 0) == 1 ? a[0] : a[a.length - 1];
        }
        if (op.equals("MatMulNBits")) {
            return n.intAttr("K", a[a.length - 1]);
        }
        return a[a.length - 1];
    }

    private static boolean isConstantLike(Graph g, String value) {
        // A loop, not recursion: a file may chain any number of these nodes (the graph is acyclic; the cap
        // guards edited graphs).
        String v = value;
        for (int steps = 0; steps <= g.nodes().size(); steps++) {
            if (g.constant(v).isPresent()) {
                return true;
            }
            Node p = g.producer(v).orElse(null);
            // weights behind a Transpose or a DequantizeLinear are still weights
            if (p == null || !(p.is("Transpose") || p.is("DequantizeLinear") || p.is("Cast") || p.is("Reshape"))) {
                return false;
            }
            v = p.input(0);
        }
        return false;
    }
}
