package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * A LayerNorm over the last axis with a fixed affine transform, written out of primitive ops so that
 * its backward pass can reuse the normalized value and the inverse deviation:
 * dx = σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)) with g = γ·dn.
 */
final class LayerNormGraph {
    private LayerNormGraph() {
    }

    /** Writes {@code γ·(x − μ)/√(σ² + ε) + β}; γ and β become constants of the graph. */
    static Pass forward(SubBlockGraph.Writer w, String x, LayerNormParams p) {
        OpWriter o = w.ops;
        int width = p.gamma().length;
        String invWidth = o.float0(1f / width);
        String mean = o.op("Mul", List.of(o.reduceSum(x, true, -1), invWidth));
        String centered = o.op("Sub", List.of(x, mean));
        String variance = o.op("Mul", List.of(o.reduceSum(o.op("Mul", List.of(centered, centered)), true, -1), invWidth));
        String inv = o.op("Reciprocal", List.of(o.op("Sqrt", List.of(o.op("Add", List.of(variance, o.float0(p.epsilon())))))));
        String normalized = o.op("Mul", List.of(centered, inv));
        String gamma = o.constant(Tensor.ofFloats("", new long[] {width}, p.gamma()));
        String y = o.op("Add", List.of(o.op("Mul", List.of(normalized, gamma)), o.constant(Tensor.ofFloats("", new long[] {width}, p.beta()))));
        return new Pass(w, y, normalized, inv, gamma, invWidth);
    }

    record Pass(SubBlockGraph.Writer w, String y, String normalized, String inv, String gamma, String invWidth) {

        /** The gradient of the LayerNorm's input for the gradient {@code dy} of its output. */
        String backward(String dy) {
            OpWriter o = w.ops;
            String g = o.op("Mul", List.of(dy, gamma));
            String meanG = o.op("Mul", List.of(o.reduceSum(g, true, -1), invWidth));
            String meanGx = o.op("Mul", List.of(o.reduceSum(o.op("Mul", List.of(g, normalized)), true, -1), invWidth));
            String inner = o.op("Sub", List.of(o.op("Sub", List.of(g, meanG)), o.op("Mul", List.of(normalized, meanGx))));
            return o.op("Mul", List.of(inner, inv));
        }
    }
}
