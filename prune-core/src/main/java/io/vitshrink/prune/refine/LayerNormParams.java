package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.vit.LayerNorm;
import java.util.Arrays;
import java.util.Optional;

/**
 * A LayerNorm's γ, β and ε as read from a model: ε from the {@code LayerNormalization} node, or from
 * the scalar added to the variance in the op chain older exporters write (1e-5, PyTorch's default,
 * when neither is found; the form check of the refinement would then reject a wrong one).
 */
record LayerNormParams(float[] gamma, float[] beta, float epsilon) {
    static final float DEFAULT_EPSILON = 1e-5f;

    /** Empty when γ or β is computed rather than stored. */
    static Optional<LayerNormParams> read(Graph g, LayerNorm norm, int width) {
        Optional<float[]> gamma = norm.scale() == null ? Optional.of(ones(width)) : g.constant(norm.scale()).map(t -> t.toFloats());
        Optional<float[]> beta = norm.bias() == null ? Optional.of(new float[width]) : g.constant(norm.bias()).map(t -> t.toFloats());
        if (gamma.isEmpty() || beta.isEmpty() || gamma.get().length != width || beta.get().length != width) {
            return Optional.empty();
        }
        return Optional.of(new LayerNormParams(gamma.get(), beta.get(), epsilon(g, norm)));
    }

    private static float epsilon(Graph g, LayerNorm norm) {
        for (String name : norm.nodes()) {
            Optional<Node> node = g.node(name);
            if (node.isEmpty()) {
                continue;
            }
            Node n = node.get();
            if (n.opType().equals("LayerNormalization")) {
                return n.floatAttr("epsilon", DEFAULT_EPSILON);
            }
            // the chain's ε: the Add whose result feeds the Sqrt
            if (n.opType().equals("Add") && g.consumers(n.output(0)).stream().anyMatch(c -> c.opType().equals("Sqrt"))) {
                for (String in : n.inputs()) {
                    Optional<float[]> v = g.constant(in).map(t -> t.toFloats());
                    if (v.isPresent() && v.get().length == 1) {
                        return v.get()[0];
                    }
                }
            }
        }
        return DEFAULT_EPSILON;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
