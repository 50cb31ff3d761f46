package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the shapes downstream of a token reduction follow the new token count. Exports that compute
 * shapes at run time (Shape → Gather → Concat → Reshape, as Hugging Face and torchvision write them)
 * need nothing; exports that bake the count in (timm's {@code Reshape [-1, 197, 3, 3, 64]} and
 * {@code [-1, 197, 192]}) get a new constant in which the token count becomes {@code -1} and the
 * batch's {@code -1} becomes {@code 0} (copy the input's batch dimension), so both batch and tokens
 * stay dynamic. A shape constant that carries the count in any other form is refused with a message
 * rather than left to fail at run time.
 */
public final class TokenCountFix {
    private TokenCountFix() {
    }

    /**
     * @param g the graph being rewritten (nodes downstream of {@code reducedValues} are fixed)
     * @param originalShapes shapes of the unreduced model (values keep their names across the rewrite)
     * @param reducedValues values where a reduction writes fewer tokens
     * @param opWriter writes the new shape constants
     * @return how many shape constants were rewritten
     */
    public static int apply(Graph g, ValueShapes originalShapes, List<String> reducedValues, OpWriter opWriter) {
        Set<Node> downstream = downstreamOf(g, reducedValues);
        int fixed = 0;
        for (Node n : downstream) {
            if (n.is("Reshape")) {
                fixed += fixReshape(g, n, originalShapes, opWriter) ? 1 : 0;
            } else if ((n.is("Expand") || n.is("ConstantOfShape") || n.is("Tile")) && hasTokenConstant(g, n, originalShapes)) {
                throw new UserException("node '" + n.name() + "' (" + n.opType() + ") has the token count fixed in a constant; "
                        + "token reduction cannot change it (export the model with dynamic shapes)");
            }
        }
        return fixed;
    }

    private static boolean fixReshape(Graph g, Node reshape, ValueShapes shapes, OpWriter w) {
        Tensor shape = g.constant(reshape.input(1)).orElse(null);
        long[] out = shapes.of(reshape.output(0)).orElse(null);
        if (shape == null || out == null) {
            return false; // computed at run time: follows the tokens by itself
        }
        long tokens = tokenAxisCount(g, reshape, shapes);
        if (tokens <= 0) {
            return false;
        }
        long[] s = shape.toLongs();
        int tokenAxis = -1;
        for (int i = 0; i < s.length && i < out.length; i++) {
            if (s[i] == tokens && out[i] == tokens) {
                if (tokenAxis >= 0) {
                    throw refuse(reshape, s);
                }
                tokenAxis = i;
            }
        }
        if (tokenAxis < 0) {
            return false;
        }
        long[] fixed = s.clone();
        for (int i = 0; i < fixed.length; i++) {
            if (fixed[i] == -1) {
                if (i != 0) {
                    throw refuse(reshape, s); // only the batch axis may be inferred besides the tokens
                }
                fixed[i] = 0;
            }
        }
        fixed[tokenAxis] = -1;
        if (reshape.intAttr("allowzero", 0) != 0) {
            throw refuse(reshape, s);
        }
        String c = w.scoped(reshape.name()).constant(Tensor.vector("", fixed));
        g.setNodeInput(reshape, 1, c);
        return true;
    }

    /** The token count of the Reshape's input: its axis-1 size (batch-first token layouts). */
    private static long tokenAxisCount(Graph g, Node reshape, ValueShapes shapes) {
        long[] in = shapes.of(reshape.input(0)).orElse(null);
        return in == null || in.length < 2 ? -1 : in[1];
    }

    private static boolean hasTokenConstant(Graph g, Node n, ValueShapes shapes) {
        String shapeInput = n.is("ConstantOfShape") ? n.input(0) : n.input(1);
        Tensor t = g.constant(shapeInput).orElse(null);
        long[] out = shapes.of(n.output(0)).orElse(null);
        if (t == null || out == null || out.length < 2) {
            return false;
        }
        long[] v = t.toLongs();
        return v.length == out.length && v.length >= 2 && v[1] == out[1] && out[1] > 1;
    }

    private static UserException refuse(Node reshape, long[] s) {
        return new UserException("Reshape '" + reshape.name() + "' has the token count fixed in its shape "
                + Arrays.toString(s) + " in a form token reduction cannot make dynamic");
    }

    private static Set<Node> downstreamOf(Graph g, List<String> values) {
        Set<Node> seen = new LinkedHashSet<>(); // graph-walk order: the rewrite is deterministic
        Deque<String> todo = new ArrayDeque<>(values);
        while (!todo.isEmpty()) {
            for (Node c : g.consumers(todo.pop())) {
                if (seen.add(c)) {
                    c.outputs().stream().filter(o -> !o.isEmpty()).forEach(todo::add);
                }
            }
        }
        return seen;
    }
}
