package io.vitshrink.onnx.linalg;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import java.util.List;
import java.util.Map;

/**
 * Lets ONNX Runtime form the Gram matrices of layer inputs: a copy of the model gets, per input
 * value v, {@code Reshape(v, [-1, d]) → Transpose → MatMul} as an extra graph output, so ORT's GEMM
 * forms XᵀX of the batch and only a d×d matrix leaves the session (a Java loop over 256 × 197 tokens ×
 * 768² per fc2 input ran at under 1 GFLOP/s; {@link InputGram#add} stays as the reference).
 */
public final class GramOutputs {
    private GramOutputs() {
    }

    /**
     * A copy of the model whose only outputs are the batch XᵀX of each input value (value name → its
     * feature count, the last axis); the rest of the graph (e.g. blocks after the last requested
     * input) is dropped so that ORT does not compute it.
     *
     * @param names filled with value name → the name of its Gram output
     */
    public static Model withGramOutputs(Model model, Map<String, Integer> inputs, Map<String, String> names) {
        Model copy = model.copy();
        Graph g = copy.graph();
        g.clearOutputs();
        for (Map.Entry<String, Integer> e : inputs.entrySet()) {
            String v = e.getKey();
            if (!g.valueNames().contains(v)) {
                throw new UserException("the model has no value named '" + v + "'");
            }
            String shape = g.uniqueName(v + "/gram_shape");
            g.putInitializer(Tensor.ofLongs(shape, new long[] {2}, new long[] {-1, e.getValue()}));
            String rows = g.uniqueName(v + "/gram_rows");
            g.addNode(new Node(rows, "Reshape", List.of(v, shape), List.of(rows)));
            String t = g.uniqueName(v + "/gram_transpose");
            g.addNode(new Node(t, "Transpose", List.of(rows), List.of(t), Attribute.ofInts("perm", 1, 0)));
            String gram = g.uniqueName(v + "/gram");
            g.addNode(new Node(gram, "MatMul", List.of(t, rows), List.of(gram)));
            g.addOutput(ValueInfo.untyped(gram));
            names.put(v, gram);
        }
        g.removeDeadNodes();
        return copy;
    }
}
