package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.shape.ValueShapes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Recognizes the attention unit around a Softmax: the Q·Kᵀ product feeding it (through scaling,
 * bias and mask adds, reshapes), the attn·V product it feeds, the q/k/v projections those products
 * read (through the head-splitting reshapes and transposes) and the output projection.
 */
final class AttentionMatcher {
    /** Ops that may stand between Q·Kᵀ and the Softmax. */
    private static final Set<String> SCORE_PATH = Set.of("Add", "Sub", "Mul", "Div", "Cast", "Reshape", "Transpose",
            "Where", "Identity", "Dropout", "QuantizeLinear", "DequantizeLinear");
    private static final Set<String> PROBS_PATH = Set.of("Dropout", "Cast", "Identity", "Reshape", "QuantizeLinear",
            "DequantizeLinear");

    private final Graph graph;
    private final GraphWalks walks;
    private final LinearMatcher linears;
    private final ValueShapes shapes;

    /** The outcome: an attention unit, or why there is none. */
    record Result(Attention attention, String failure) {
    }

    AttentionMatcher(GraphWalks walks, LinearMatcher linears, ValueShapes shapes) {
        this.graph = walks.graph();
        this.walks = walks;
        this.linears = linears;
        this.shapes = shapes;
    }

    Result at(Node softmax) {
        ScorePath path = findScores(softmax.input(0), 0);
        if (path == null) {
            return fail("no Q·Kᵀ MatMul of two activations found before the Softmax");
        }
        Node context = walks.walkDown(softmax.output(0), (n, v) -> n.is("MatMul") && n.input(0).equals(v));
        if (context == null) {
            context = findContext(softmax.output(0));
        }
        if (context == null) {
            return fail("the Softmax output does not feed an attn·V MatMul");
        }
        Linear q = projectionAbove(path.matmul.input(0));
        Linear k = projectionAbove(path.matmul.input(1));
        Linear v = projectionAbove(context.input(1));
        if (q == null || k == null || v == null) {
            return fail("q, k or v does not come from a Linear (MatMul/Gemm with constant weight)");
        }
        Node ctx = context;
        Node projNode = walks.walkDown(ctx.output(0),
                (n, val) -> linears.byNode(n.name()).filter(l -> l.input().equals(val)).isPresent());
        if (projNode == null) {
            return fail("the attn·V output does not reach an output projection Linear");
        }
        Linear proj = linears.byNode(projNode.name()).orElseThrow();
        Node scale = path.scale != null ? path.scale : walks.scaleAbove(path.matmul.input(0), q.output());
        long[] scoreShape = shapes.of(softmax.output(0)).orElse(null);
        long heads = 0;
        long tokens = 0;
        if (scoreShape != null && scoreShape.length >= 3) {
            int r = scoreShape.length;
            tokens = scoreShape[r - 1];
            heads = r >= 4 ? scoreShape[r - 3] : scoreShape[0];
        }
        long[] qShape = shapes.of(path.matmul.input(0)).orElse(null);
        long headDim = qShape == null || qShape.length == 0 ? 0 : qShape[qShape.length - 1];
        return new Result(new Attention(q, k, v, path.matmul, softmax, context, proj, heads, tokens, headDim, scale,
                path.bias), null);
    }

    private static Result fail(String why) {
        return new Result(null, why);
    }

    private record ScorePath(Node matmul, Node scale, boolean bias) {
    }

    /** Depth-first search up from the Softmax input for the product of two activations. */
    private ScorePath findScores(String value, int depth) {
        return findScores(value, depth, new HashMap<>());
    }

    /**
     * {@code failedAt} remembers the shallowest depth at which a value was searched in vain: searching it
     * again as deep or deeper cannot succeed, and without it nodes that read one value many times (a file
     * can give an Add 2000 inputs) make the search exponential in the depth.
     */
    private ScorePath findScores(String value, int depth, Map<String, Integer> failedAt) {
        if (depth > 10 || failedAt.getOrDefault(value, Integer.MAX_VALUE) <= depth) {
            return null;
        }
        ScorePath found = searchScores(value, depth, failedAt);
        if (found == null) {
            failedAt.merge(value, depth, Math::min);
        }
        return found;
    }

    private ScorePath searchScores(String value, int depth, Map<String, Integer> failedAt) {
        Node p = graph.producer(value).orElse(null);
        if (p == null) {
            return null;
        }
        if (p.is("MatMul") && !walks.isConstant(p.input(0)) && !walks.isConstant(p.input(1))
                && linears.byNode(p.name()).isEmpty()) {
            return new ScorePath(p, null, false);
        }
        if (!SCORE_PATH.contains(p.opType())) {
            return null;
        }
        if (walks.isConstantScale(p)) {
            ScorePath up = findScores(walks.variableOperand(p), depth + 1, failedAt);
            return up == null ? null : new ScorePath(up.matmul, up.scale != null ? up.scale : p, up.bias);
        }
        if ((p.is("Add") || p.is("Sub")) && walks.variableOperand(p) != null) {
            // a constant added to the scores: a fixed mask or a folded position bias
            ScorePath up = findScores(walks.variableOperand(p), depth + 1, failedAt);
            return up == null ? null : new ScorePath(up.matmul, up.scale, true);
        }
        int first = p.is("Where") ? 1 : 0;
        for (int i = first; i < p.inputs().size(); i++) {
            String in = p.input(i);
            if (in.isEmpty() || walks.isConstant(in)) {
                continue;
            }
            ScorePath up = findScores(in, depth + 1, failedAt);
            if (up != null) {
                boolean biasAdded = up.bias || p.is("Add") && p.inputs().size() == 2;
                return new ScorePath(up.matmul, up.scale, biasAdded);
            }
        }
        return null;
    }

    private Node findContext(String probs) {
        return findContext(probs, 0);
    }

    /** Depth-bounded like {@link #findScores}: a file may chain any number of Dropout/Cast nodes. */
    private Node findContext(String probs, int depth) {
        if (depth > 10) {
            return null;
        }
        for (Node c : graph.consumers(probs)) {
            if (c.is("MatMul") && c.input(0).equals(probs)) {
                return c;
            }
            if (PROBS_PATH.contains(c.opType()) && !c.outputs().isEmpty()) {
                Node deeper = findContext(c.output(0), depth + 1);
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    private Linear projectionAbove(String value) {
        String found = walks.walkUp(value, v -> linears.byOutput(v).isPresent(), Set.of());
        return found == null ? null : linears.byOutput(found).orElseThrow();
    }
}
